package io.flotilla.controlplane.fleet;

import com.google.protobuf.Message;
import io.flotilla.controlplane.identity.AgentReportVerifier;
import io.flotilla.controlplane.support.RateLimitedLog;
import io.flotilla.policy.TerminalText;
import io.flotilla.proto.Topics;
import io.flotilla.proto.v1.ClusterStatus;
import io.flotilla.proto.v1.Presence;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.reactive.messaging.mqtt.ReceivingMqttMessageMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Reads status and presence from agents. A payload that does not decode is dropped, counted by
 * reason, and logged at most once per cluster per minute so a misbehaving agent cannot flood the log.
 *
 * <p>Presence is decoded on arrival but applied in batches: only the newest message per cluster is kept
 * until the next flush ({@code flotilla.fleet.presence-flush-interval}), and a flush applies up to
 * {@value #PRESENCE_BATCH} clusters in one transaction. A fleet that reconnects at once (and every retained
 * presence message delivered again on subscribe) then costs a few transactions instead of one per cluster,
 * and the subscription never falls behind far enough to overflow its buffer; what waits is bounded by the
 * number of clusters.
 */
@ApplicationScoped
public class AgentMessageIngestor {

    private static final Logger LOG = Logger.getLogger(AgentMessageIngestor.class);
    private static final RateLimitedLog FAILED_PRESENCE_FLUSHES = new RateLimitedLog(LOG, Duration.ofSeconds(10));
    private static final Duration LOG_INTERVAL = Duration.ofMinutes(1);

    private final AgentReportService reports;
    private final AgentReportVerifier verifier;
    private final MeterRegistry metrics;
    private final Clock clock;
    private static final int PRESENCE_BATCH = 1000;

    private final Map<String, Instant> lastLogged = new ConcurrentHashMap<>();
    /** The newest presence per cluster not yet applied. */
    private final Map<String, AgentReportService.ReceivedPresence> pendingPresence = new ConcurrentHashMap<>();
    /**
     * One flush at a time: the scheduled one and the presence monitor's, which applies what has arrived before it
     * judges silence and so must also wait for a flush that has taken messages out of the map but not yet applied
     * them. Two at once could also apply a cluster's older message after its newer one.
     */
    private final ReentrantLock flushing = new ReentrantLock();

    AgentMessageIngestor(AgentReportService reports, AgentReportVerifier verifier, MeterRegistry metrics, Clock clock) {
        this.reports = reports;
        this.verifier = verifier;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Incoming("status")
    @Blocking
    public void onStatus(byte[] payload, ReceivingMqttMessageMetadata mqtt) {
        ClusterStatus status = decode("status", mqtt.getTopic(), payload, ClusterStatus.getDefaultInstance());
        if (status == null) {
            return;
        }
        AgentReportService.Outcome outcome = reports.applyStatus(status);
        if (outcome == AgentReportService.Outcome.UNKNOWN_CLUSTER) {
            reject("status", status.getClusterId(), "UNKNOWN_CLUSTER", "cluster is not registered");
        } else if (outcome == AgentReportService.Outcome.STALE) {
            metrics.counter("flotilla.mqtt.stale", "kind", "status").increment();
        }
    }

    @Incoming("presence")
    @NonBlocking
    public void onPresence(byte[] payload, ReceivingMqttMessageMetadata mqtt) {
        if (payload.length == 0) {
            return; // a cleared retained message
        }
        Presence presence = decode("presence", mqtt.getTopic(), payload, Presence.getDefaultInstance());
        if (presence != null && pendingPresence.put(presence.getClusterId(),
                new AgentReportService.ReceivedPresence(presence, clock.instant())) != null) {
            metrics.counter("flotilla.presence.coalesced").increment();
        }
    }

    /**
     * Applies the presence received since the last flush; on failure, what was not superseded meanwhile is retried.
     * Returns once what was received before the call is applied (or has failed), also when another flush was running.
     */
    @Scheduled(every = "${flotilla.fleet.presence-flush-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void flushPresence() {
        flushing.lock();
        try {
            flushPending();
        } finally {
            flushing.unlock();
        }
    }

    private void flushPending() {
        while (!pendingPresence.isEmpty()) {
            var batch = new ArrayList<AgentReportService.ReceivedPresence>(Math.min(PRESENCE_BATCH, pendingPresence.size()));
            for (String clusterId : pendingPresence.keySet()) {
                AgentReportService.ReceivedPresence p = pendingPresence.remove(clusterId);
                if (p != null) {
                    batch.add(p);
                }
                if (batch.size() == PRESENCE_BATCH) {
                    break;
                }
            }
            try {
                reports.applyPresences(batch).forEach(id -> reject("presence", id, "UNKNOWN_CLUSTER", "cluster is not registered"));
            } catch (RuntimeException e) {
                batch.forEach(p -> pendingPresence.putIfAbsent(p.presence().getClusterId(), p));
                FAILED_PRESENCE_FLUSHES.warn(e, "Applying presence of %d clusters failed; retrying at the next flush", batch.size());
                return;
            }
        }
    }

    /** The decoded message, or null when it was rejected (counted and logged). */
    private <T extends Message> T decode(String kind, String topic, byte[] payload, T prototype) {
        Topics.Parsed parsed = Topics.parse(topic).orElse(null);
        if (parsed == null) {
            reject(kind, "unknown", "BAD_TOPIC", "topic '" + topic + "' is outside the v1 scheme");
            return null;
        }
        try {
            return verifier.verify(parsed.kind(), parsed.clusterId(), payload, prototype);
        } catch (AgentReportVerifier.Refused e) {
            reject(kind, parsed.clusterId(), e.reason(), e.getMessage());
            return null;
        }
    }

    private void reject(String kind, String clusterId, String reason, String detail) {
        metrics.counter("flotilla.mqtt.rejected", "kind", kind, "reason", reason).increment();
        Instant now = clock.instant();
        Instant previous = lastLogged.get(clusterId);
        if (previous == null || !now.isBefore(previous.plus(LOG_INTERVAL))) {
            lastLogged.put(clusterId, now);
            LOG.warnf("Dropped %s message from cluster '%s': %s (further drops for this cluster are counted, "
                    + "logged again after %s)", kind, TerminalText.escape(clusterId), TerminalText.escape(detail), LOG_INTERVAL);
        }
    }
}
