package io.flotilla.controlplane.routing;

import io.flotilla.controlplane.identity.AgentReportVerifier;
import io.flotilla.controlplane.support.DecodingInbox;
import io.flotilla.proto.Topics;
import io.flotilla.proto.v1.LoadReport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.reactive.messaging.mqtt.ReceivingMqttMessageMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Reads agents' load reports ({@code flotilla/v1/clusters/+/load}, shared subscription, QoS 0) into the router's
 * {@link LiveLoadTable}, after the same signature, cluster and replay checks as every agent report. Like telemetry,
 * the connector's event loop only queues; a thread of its own verifies. Nothing is written to the database.
 */
@ApplicationScoped
public class LoadIngestor {

    private record Received(String topic, byte[] payload) {
    }

    private final AgentReportVerifier verifier;
    private final LiveLoadTable table;
    private final MeterRegistry metrics;
    private final Counter kept;
    private final DecodingInbox<Received> inbox;

    LoadIngestor(AgentReportVerifier verifier, LiveLoadTable table, MeterRegistry metrics) {
        this.verifier = verifier;
        this.table = table;
        this.metrics = metrics;
        this.kept = metrics.counter("flotilla.load.reports");
        this.inbox = new DecodingInbox<>("flotilla-load-decoder", 20_000, this::ingest, metrics.counter("flotilla.load.reports.dropped"));
        metrics.gauge("flotilla.load.clusters", table, LiveLoadTable::size);
    }

    void onStart(@Observes StartupEvent event) {
        inbox.start();
    }

    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        inbox.stop();
    }

    @Incoming("load")
    @NonBlocking
    public void onLoad(byte[] payload, ReceivingMqttMessageMetadata mqtt) {
        inbox.offer(new Received(mqtt.getTopic(), payload));
    }

    @Scheduled(every = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void prune() {
        table.prune();
    }

    private void ingest(Received received) {
        Topics.Parsed topic = Topics.parse(received.topic()).orElse(null);
        if (topic == null || topic.kind() != Topics.Kind.LOAD) {
            metrics.counter("flotilla.mqtt.rejected", "kind", "load", "reason", "BAD_TOPIC").increment();
            return;
        }
        try {
            LoadReport report = verifier.verify(Topics.Kind.LOAD, topic.clusterId(), received.payload(), LoadReport.getDefaultInstance());
            if (table.offer(report)) {
                kept.increment();
            }
        } catch (AgentReportVerifier.Refused e) {
            metrics.counter("flotilla.mqtt.rejected", "kind", "load", "reason", e.reason()).increment();
        }
    }
}
