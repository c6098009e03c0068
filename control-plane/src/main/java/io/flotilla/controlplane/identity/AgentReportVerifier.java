package io.flotilla.controlplane.identity;

import com.google.protobuf.Message;
import io.flotilla.controlplane.protocol.ProtocolKeys;
import io.flotilla.proto.EnvelopeCodec;
import io.flotilla.proto.ProtocolException;
import io.flotilla.proto.Topics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Verifies what agents send: a status, presence or telemetry report is accepted only when it is signed with the key
 * its cluster registered at enrollment, is about the cluster of its topic, and is not a replay. Everything else is
 * refused with a reason: {@code UNSIGNED}, {@code UNKNOWN_CLUSTER} (no enrolled key), {@code WRONG_KEY} (another key,
 * or a signature that does not match), {@code REPLAYED}, {@code WRONG_CLUSTER}, or the decoder's own reasons
 * (malformed, oversized...).
 *
 * <p>Replays are judged per cluster and kind by a {@link ReplayWindow} over envelope times and message ids: each
 * message is taken once. Status and telemetry may arrive out of order by up to
 * {@code flotilla.identity.reorder-tolerance} (they come through shared subscriptions, which keep no order, and
 * their handlers order them by their own times); presence must be newer than the last accepted, or as new with
 * another id (an agent encodes its will and its ONLINE presence at the same instant), because the newest arrival
 * is what is applied.
 *
 * <p>The windows are this replica's memory: after a restart the first message of each kind is taken as it comes
 * (a retained presence is delivered again on subscribe, and must be).
 */
@ApplicationScoped
public class AgentReportVerifier {

    /** A refused report and why. */
    public static final class Refused extends Exception {

        private final String reason;

        Refused(String reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }

        /** The metric tag: UNSIGNED, UNKNOWN_CLUSTER, WRONG_KEY, REPLAYED, WRONG_CLUSTER, MALFORMED... */
        public String reason() {
            return reason;
        }
    }

    /** Ids remembered per cluster and kind: a minute of telemetry at one report a second. */
    static final int WINDOW_CAPACITY = 64;

    private final ClusterIdentities identities;
    private final EnvelopeCodec codec;
    private final Duration reorderTolerance;
    private final Map<String, ReplayWindow> windows = new ConcurrentHashMap<>();

    AgentReportVerifier(ClusterIdentities identities, ProtocolKeys keys,
            @ConfigProperty(name = "flotilla.identity.reorder-tolerance") Duration reorderTolerance) {
        this.identities = identities;
        this.codec = keys.agentMessageCodec();
        this.reorderTolerance = reorderTolerance;
    }

    /** The verified payload of a report received on {@code clusterId}'s topic of {@code kind}. */
    public <T extends Message> T verify(Topics.Kind kind, String clusterId, byte[] payload, T prototype) throws Refused {
        ClusterIdentities.Identity identity = identities.of(clusterId).orElseThrow(() -> new Refused("UNKNOWN_CLUSTER",
                "cluster '" + clusterId + "' has no enrolled identity"));
        EnvelopeCodec.Decoded<T> decoded;
        try {
            decoded = codec.decodeFrom(payload, clusterId, prototype, identity.key());
        } catch (ProtocolException e) {
            String reason = switch (e.reason()) {
                case UNKNOWN_KEY, BAD_SIGNATURE -> "WRONG_KEY";
                default -> e.reason().name();
            };
            throw new Refused(reason, e.getMessage());
        }
        boolean[] accepted = {false};
        windows.compute(kind.level() + '/' + clusterId, (k, window) -> {
            ReplayWindow w = window != null ? window
                    : new ReplayWindow(kind == Topics.Kind.PRESENCE ? Duration.ZERO : reorderTolerance, WINDOW_CAPACITY);
            accepted[0] = w.accept(decoded.time(), decoded.id());
            return w;
        });
        if (!accepted[0]) {
            throw new Refused("REPLAYED", "envelope " + decoded.id() + " of " + decoded.time() + " was accepted before, "
                    + "or is older than the " + kind.level() + " reports accepted from cluster '" + clusterId + "'");
        }
        return decoded.payload();
    }

    /** A cluster enrolled again has a new agent, with a clock of its own: its replay window starts afresh. */
    void forget(@Observes(during = TransactionPhase.AFTER_SUCCESS) ClusterCredentialsIssued event) {
        String clusterId = event.clusterId();
        for (Topics.Kind kind : Topics.Kind.values()) {
            windows.remove(kind.level() + '/' + clusterId);
        }
    }
}
