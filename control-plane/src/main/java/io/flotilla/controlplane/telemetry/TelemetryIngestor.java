package io.flotilla.controlplane.telemetry;

import io.flotilla.controlplane.dispatch.ProtocolKeys;
import io.flotilla.proto.ProtocolException;
import io.flotilla.proto.Topics;
import io.flotilla.proto.v1.TelemetryReport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.reactive.messaging.mqtt.ReceivingMqttMessageMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Reads agents' telemetry reports into the in-memory latest view and queues their samples for the
 * database. Runs on the connector's event loop: decoding, a map update and a non-blocking queue offer never
 * block. Replicas subscribe through a shared subscription, so each report reaches one of them.
 * {@link NonBlocking} is required for that: Quarkus runs a {@code void} {@code @Incoming} method on a worker
 * thread by default, and the hop to the worker pool and back per report capped ingestion at about 1,500
 * reports/s on two cores (profiled with JFR, see docs/benchmarks.md).
 */
@ApplicationScoped
public class TelemetryIngestor {

    private final ProtocolKeys keys;
    private final LatestTelemetry latest;
    private final TelemetryWriter writer;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final Counter reports;
    private final Counter samples;

    TelemetryIngestor(ProtocolKeys keys, LatestTelemetry latest, TelemetryWriter writer, Clock clock, MeterRegistry metrics) {
        this.writer = writer;
        this.keys = keys;
        this.latest = latest;
        this.clock = clock;
        this.metrics = metrics;
        this.reports = metrics.counter("flotilla.telemetry.reports");
        this.samples = metrics.counter("flotilla.telemetry.gpu.samples");
        metrics.gauge("flotilla.telemetry.clusters", latest, LatestTelemetry::size);
    }

    @Incoming("telemetry")
    @NonBlocking
    public void onTelemetry(byte[] payload, ReceivingMqttMessageMetadata mqtt) {
        Topics.Parsed topic = Topics.parse(mqtt.getTopic()).orElse(null);
        if (topic == null) {
            metrics.counter("flotilla.mqtt.rejected", "kind", "telemetry", "reason", "BAD_TOPIC").increment();
            return;
        }
        try {
            TelemetryReport report = keys.agentMessageCodec()
                    .decode(payload, topic.clusterId(), TelemetryReport.getDefaultInstance()).payload();
            Instant now = clock.instant();
            latest.offer(report, now);
            writer.offer(TelemetrySample.of(report, now), topic.clusterId(), now);
            reports.increment();
            samples.increment(report.getGpusCount());
        } catch (ProtocolException e) {
            metrics.counter("flotilla.mqtt.rejected", "kind", "telemetry", "reason", e.reason().name()).increment();
        }
    }
}
