package io.flotilla.controlplane.telemetry;

import io.flotilla.controlplane.fleet.LatestTelemetry;
import io.flotilla.controlplane.identity.AgentReportVerifier;
import io.flotilla.controlplane.support.DecodingInbox;
import io.flotilla.proto.Topics;
import io.flotilla.proto.v1.TelemetryReport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.reactive.messaging.mqtt.ReceivingMqttMessageMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Instant;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Reads agents' telemetry reports into the in-memory latest view and queues their samples for the database.
 * Replicas subscribe through a shared subscription, so each report reaches one of them.
 *
 * <p>The connector's event loop only puts each payload into a bounded inbox ({@link NonBlocking}: Quarkus would
 * otherwise hop to a worker thread per report, which capped ingestion at about 1,500 reports/s on two cores); the
 * {@link DecodingInbox}'s thread decodes, updates the latest view and hands the samples to the {@link TelemetryWriter}. Under
 * overload the inbox drops its oldest reports and counts them ({@code flotilla_telemetry_reports_dropped_total}).
 * The event loop never decodes: a connector that falls its buffer's length behind fails the channel with
 * {@code BackPressureFailure}, and telemetry would stop until a restart.
 */
@ApplicationScoped
public class TelemetryIngestor {

    private record Received(String topic, byte[] payload, Instant at) {
    }

    private final AgentReportVerifier verifier;
    private final LatestTelemetry latest;
    private final TelemetryWriter writer;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final Counter reports;
    private final Counter samples;
    private final DecodingInbox<Received> inbox;

    TelemetryIngestor(AgentReportVerifier verifier, LatestTelemetry latest, TelemetryWriter writer, Clock clock, MeterRegistry metrics,
            TelemetryConfig config) {
        this.writer = writer;
        this.verifier = verifier;
        this.latest = latest;
        this.clock = clock;
        this.metrics = metrics;
        this.reports = metrics.counter("flotilla.telemetry.reports");
        this.samples = metrics.counter("flotilla.telemetry.gpu.samples");
        this.inbox = new DecodingInbox<>("flotilla-telemetry-decoder", config.inboxCapacity(), this::ingest,
                metrics.counter("flotilla.telemetry.reports.dropped"));
        metrics.gauge("flotilla.telemetry.clusters", latest, LatestTelemetry::size);
        metrics.gauge("flotilla.telemetry.inbox.size", inbox, DecodingInbox::size);
    }

    void onStart(@Observes StartupEvent event) {
        inbox.start();
    }

    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        inbox.stop();
    }

    @Incoming("telemetry")
    @NonBlocking
    public void onTelemetry(byte[] payload, ReceivingMqttMessageMetadata mqtt) {
        inbox.offer(new Received(mqtt.getTopic(), payload, clock.instant()));
    }

    private void ingest(Received received) {
        Topics.Parsed topic = Topics.parse(received.topic()).orElse(null);
        if (topic == null) {
            metrics.counter("flotilla.mqtt.rejected", "kind", "telemetry", "reason", "BAD_TOPIC").increment();
            return;
        }
        try {
            TelemetryReport report = verifier.verify(Topics.Kind.TELEMETRY, topic.clusterId(), received.payload(),
                    TelemetryReport.getDefaultInstance());
            latest.offer(report, received.at());
            writer.offer(TelemetrySample.of(report, received.at()), topic.clusterId(), received.at());
            reports.increment();
            samples.increment(report.getGpusCount());
        } catch (AgentReportVerifier.Refused e) {
            metrics.counter("flotilla.mqtt.rejected", "kind", "telemetry", "reason", e.reason()).increment();
        }
    }
}
