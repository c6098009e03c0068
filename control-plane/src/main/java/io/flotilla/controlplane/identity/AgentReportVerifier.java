package io.flotilla.controlplane.identity;

import com.google.protobuf.Message;
import io.flotilla.controlplane.dispatch.ProtocolKeys;
import io.flotilla.proto.EnvelopeCodec;
import io.flotilla.proto.ProtocolException;
import io.flotilla.proto.Topics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Verifies what agents send: a status, presence or telemetry report is accepted only when it is signed with the key
 * its cluster registered at enrollment, is about the cluster of its topic, and is newer than the last one of its
 * kind accepted from that cluster (envelope time; an equal time with another message id is accepted, because an
 * agent encodes its will and its ONLINE presence at the same instant). Everything else is refused with a reason:
 * {@code UNSIGNED}, {@code UNKNOWN_CLUSTER} (no enrolled key), {@code WRONG_KEY} (another key, or a signature that does
 * not match), {@code REPLAYED}, {@code WRONG_CLUSTER}, or the decoder's own reasons (malformed, oversized...).
 *
 * <p>The replay window is this replica's memory: after a restart the first message of each kind is taken as it comes
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

    private record Last(Instant time, String id) {
    }

    private final ClusterIdentities identities;
    private final EnvelopeCodec codec;
    private final Map<String, Last> lastAccepted = new ConcurrentHashMap<>();

    AgentReportVerifier(ClusterIdentities identities, ProtocolKeys keys) {
        this.identities = identities;
        this.codec = keys.agentMessageCodec();
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
        Last next = new Last(decoded.time(), decoded.id());
        String key = kind.level() + '/' + clusterId;
        boolean[] replayed = {false};
        lastAccepted.compute(key, (k, last) -> {
            if (last != null && (next.time().isBefore(last.time())
                    || next.time().equals(last.time()) && next.id().equals(last.id()))) {
                replayed[0] = true;
                return last;
            }
            return next;
        });
        if (replayed[0]) {
            throw new Refused("REPLAYED", "envelope " + decoded.id() + " of " + decoded.time()
                    + " is not newer than the last " + kind.level() + " accepted from cluster '" + clusterId + "'");
        }
        return decoded.payload();
    }

    /** A cluster enrolled again has a new agent, with a clock of its own: its replay window starts afresh. */
    void forget(@Observes(during = TransactionPhase.AFTER_SUCCESS) ClusterCredentialsIssued event) {
        String clusterId = event.clusterId();
        for (Topics.Kind kind : Topics.Kind.values()) {
            lastAccepted.remove(kind.level() + '/' + clusterId);
        }
    }
}
