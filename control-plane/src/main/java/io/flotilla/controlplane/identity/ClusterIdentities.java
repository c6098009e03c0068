package io.flotilla.controlplane.identity;

import io.flotilla.proto.VerificationKey;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * The enrolled clusters' identities in memory: per cluster, the SHA-256 of its broker password and its agent's
 * public key. The embedded broker authenticates every connect against this, and the control plane verifies every
 * agent report with the key; neither may wait for the database per message.
 *
 * <p>Loaded on first use, changed at once when this replica issues or revokes credentials, and reloaded from the
 * database every {@code flotilla.identity.refresh-interval} so that another replica's changes arrive too. A reload
 * that overlapped a local change is discarded (the next one applies), so it cannot bring back an identity that was
 * just revoked.
 */
@ApplicationScoped
public class ClusterIdentities {

    private static final Logger LOG = Logger.getLogger(ClusterIdentities.class);

    /** A cluster's current identity. */
    public record Identity(String clusterId, String enrollmentId, String credentialHash, VerificationKey key) {

        static Identity of(ClusterEnrollment e) {
            return new Identity(e.clusterId, e.id, e.credentialHash, VerificationKey.fromBase64(e.agentPublicKey));
        }
    }

    private final ClusterEnrollmentRepository enrollments;
    private final AtomicLong localChanges = new AtomicLong();
    private final Map<String, Identity> byCluster = new ConcurrentHashMap<>();
    private volatile boolean loaded;

    ClusterIdentities(ClusterEnrollmentRepository enrollments) {
        this.enrollments = enrollments;
    }

    public Optional<Identity> of(String clusterId) {
        return Optional.ofNullable(current().get(clusterId));
    }

    /** Whether {@code password} is the broker password of {@code clusterId}'s current identity. */
    public boolean authenticates(String clusterId, byte[] password) {
        Identity identity = current().get(clusterId);
        return identity != null && identity.credentialHash() != null
                && MessageDigest.isEqual(HexFormat.of().parseHex(identity.credentialHash()), sha256(password));
    }

    public int size() {
        return current().size();
    }

    /** Reads one cluster's identity again, after a transaction that changed it has committed. */
    void reload(String clusterId) {
        List<ClusterEnrollment> active = QuarkusTransaction.requiringNew().call(() -> enrollments.activeOf(clusterId));
        Identity identity = active.stream().filter(e -> e.agentPublicKey != null)
                .max(Comparator.comparing((ClusterEnrollment e) -> e.tokenSpentAt)).map(Identity::of).orElse(null);
        synchronized (this) {
            current();
            localChanges.incrementAndGet();
            if (identity == null) {
                byCluster.remove(clusterId);
            } else {
                byCluster.put(clusterId, identity);
            }
        }
    }

    @Scheduled(every = "${flotilla.identity.refresh-interval}", delayed = "${flotilla.identity.refresh-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void refresh() {
        long before = localChanges.get();
        Map<String, Identity> loaded;
        try {
            loaded = load();
        } catch (RuntimeException e) {
            LOG.warnf("Reloading cluster identities failed, keeping the %d known: %s", current().size(), e.getMessage());
            return;
        }
        synchronized (this) {
            if (localChanges.get() == before) {
                byCluster.keySet().retainAll(loaded.keySet());
                byCluster.putAll(loaded);
                this.loaded = true;
            }
        }
    }

    private Map<String, Identity> current() {
        if (!loaded) {
            synchronized (this) {
                if (!loaded) {
                    byCluster.putAll(load());
                    loaded = true;
                }
            }
        }
        return byCluster;
    }

    private Map<String, Identity> load() {
        List<ClusterEnrollment> active = QuarkusTransaction.requiringNew().call(enrollments::active);
        Map<String, Identity> map = new HashMap<>();
        for (ClusterEnrollment e : active) {
            if (e.agentPublicKey != null) {
                map.put(e.clusterId, Identity.of(e)); // ordered by exchange time: the newest wins
            }
        }
        return map;
    }

    static byte[] sha256(byte[] value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
