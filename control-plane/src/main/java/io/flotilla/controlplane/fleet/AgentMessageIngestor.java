package io.flotilla.controlplane.fleet;

import com.google.protobuf.Message;
import io.flotilla.controlplane.dispatch.ProtocolKeys;
import io.flotilla.proto.ProtocolException;
import io.flotilla.proto.Topics;
import io.flotilla.proto.v1.ClusterStatus;
import io.flotilla.proto.v1.Presence;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.mqtt.ReceivingMqttMessageMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Reads status and presence from agents. A payload that does not decode is dropped, counted by
 * reason, and logged at most once per cluster per minute so a misbehaving agent cannot flood the log.
 */
@ApplicationScoped
public class AgentMessageIngestor {

    private static final Logger LOG = Logger.getLogger(AgentMessageIngestor.class);
    private static final Duration LOG_INTERVAL = Duration.ofMinutes(1);

    private final AgentReportService reports;
    private final ProtocolKeys keys;
    private final MeterRegistry metrics;
    private final Clock clock;
    private final Map<String, Instant> lastLogged = new ConcurrentHashMap<>();

    AgentMessageIngestor(AgentReportService reports, ProtocolKeys keys, MeterRegistry metrics, Clock clock) {
        this.reports = reports;
        this.keys = keys;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Incoming("status")
    @Blocking
    public void onStatus(byte[] payload, ReceivingMqttMessageMetadata mqtt) {
        ingest("status", mqtt.getTopic(), payload, ClusterStatus.getDefaultInstance(), reports::applyStatus);
    }

    @Incoming("presence")
    @Blocking
    public void onPresence(byte[] payload, ReceivingMqttMessageMetadata mqtt) {
        if (payload.length == 0) {
            return; // a cleared retained message
        }
        ingest("presence", mqtt.getTopic(), payload, Presence.getDefaultInstance(), reports::applyPresence);
    }

    private <T extends Message> void ingest(String kind, String topic, byte[] payload, T prototype,
            Function<T, AgentReportService.Outcome> apply) {
        Topics.Parsed parsed = Topics.parse(topic).orElse(null);
        if (parsed == null) {
            reject(kind, "unknown", "BAD_TOPIC", "topic '" + topic + "' is outside the v1 scheme");
            return;
        }
        T message;
        try {
            message = keys.agentMessageCodec().decode(payload, parsed.clusterId(), prototype).payload();
        } catch (ProtocolException e) {
            reject(kind, parsed.clusterId(), e.reason().name(), e.getMessage());
            return;
        }
        AgentReportService.Outcome outcome = apply.apply(message);
        if (outcome == AgentReportService.Outcome.UNKNOWN_CLUSTER) {
            reject(kind, parsed.clusterId(), "UNKNOWN_CLUSTER", "cluster is not registered");
        } else if (outcome == AgentReportService.Outcome.STALE) {
            metrics.counter("flotilla.mqtt.stale", "kind", kind).increment();
        }
    }

    private void reject(String kind, String clusterId, String reason, String detail) {
        metrics.counter("flotilla.mqtt.rejected", "kind", kind, "reason", reason).increment();
        Instant now = clock.instant();
        Instant previous = lastLogged.get(clusterId);
        if (previous == null || !now.isBefore(previous.plus(LOG_INTERVAL))) {
            lastLogged.put(clusterId, now);
            LOG.warnf("Dropped %s message from cluster '%s': %s (further drops for this cluster are counted, "
                    + "logged again after %s)", kind, clusterId, detail, LOG_INTERVAL);
        }
    }
}
