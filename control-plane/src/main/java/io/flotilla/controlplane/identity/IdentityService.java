package io.flotilla.controlplane.identity;

import io.flotilla.controlplane.auth.TokenService;
import io.flotilla.proto.Topics;
import io.flotilla.proto.VerificationKey;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Cluster identities: issuing a cluster's one-time bootstrap token, exchanging it (with the public key the agent
 * generated for itself) for broker credentials, and revoking them. Tokens and passwords are random, shown once, and
 * stored as their SHA-256 only. After each commit the broker side is told through {@link ClusterCredentialsIssued}
 * and {@link ClusterCredentialsRevoked}.
 */
@ApplicationScoped
public class IdentityService {

    private static final Logger LOG = Logger.getLogger(IdentityService.class);
    public static final String TOKEN_PREFIX = "flb_";
    public static final String PASSWORD_PREFIX = "flp_";
    public static final String AGENT_CLIENT_ID_PREFIX = "flotilla-agent-";

    private final ClusterEnrollmentRepository enrollments;
    private final ClusterIdentities identities;
    private final Event<ClusterCredentialsIssued> issued;
    private final Event<ClusterCredentialsRevoked> revoked;
    private final Clock clock;

    IdentityService(ClusterEnrollmentRepository enrollments, ClusterIdentities identities,
            Event<ClusterCredentialsIssued> issued, Event<ClusterCredentialsRevoked> revoked, Clock clock) {
        this.enrollments = enrollments;
        this.identities = identities;
        this.issued = issued;
        this.revoked = revoked;
        this.clock = clock;
    }

    /** The MQTT client id an agent must connect with: one session per cluster, never taken over by another. */
    public static String agentClientId(String clusterId) {
        return AGENT_CLIENT_ID_PREFIX + clusterId;
    }

    /** A new enrollment of {@code clusterId} and its bootstrap token, shown this once. */
    public record Issued(ClusterEnrollment enrollment, String bootstrapToken) {
    }

    /** Creates a bootstrap token for a registered cluster; call within the transaction that registered it. */
    @Transactional
    public Issued issue(String clusterId, String createdBy, Duration validity) {
        String token = TokenService.randomSecret(TOKEN_PREFIX);
        Instant now = clock.instant();
        ClusterEnrollment e = new ClusterEnrollment();
        e.id = UUID.randomUUID().toString();
        e.clusterId = clusterId;
        e.bootstrapTokenHash = TokenService.hash(token);
        e.tokenExpiresAt = now.plus(validity);
        e.createdBy = createdBy;
        e.createdAt = now;
        enrollments.persist(e);
        return new Issued(e, token);
    }

    /** What the agent receives for its token: its broker credentials (the password this once). */
    public record Exchanged(ClusterEnrollment enrollment, String username, String password, String clientId) {
    }

    /**
     * Spends {@code token}: the agent of {@code clusterId} becomes the holder of {@code publicKey} and of a new
     * broker password. An earlier identity of the cluster is revoked (a rebuilt agent replaces the old one).
     *
     * @throws EnrollmentRefusedException when the token is unknown, bound to another cluster, expired, used or revoked
     * @throws IllegalArgumentException when the public key is not a raw Ed25519 key in base64
     */
    @Transactional(dontRollbackOn = EnrollmentRefusedException.class)
    public Exchanged exchange(String clusterId, String token, String publicKey) {
        VerificationKey key = VerificationKey.fromBase64(publicKey);
        if (!Topics.isValidClusterId(clusterId)) {
            throw new EnrollmentRefusedException("'" + clusterId + "' is not a cluster id");
        }
        ClusterEnrollment e = enrollments.byTokenHashForUpdate(TokenService.hash(token)).orElse(null);
        Instant now = clock.instant();
        if (e == null || !e.clusterId.equals(clusterId)) {
            throw new EnrollmentRefusedException("the bootstrap token is not valid for cluster '" + clusterId + "'");
        }
        if (e.revoked()) {
            throw new EnrollmentRefusedException("enrollment " + e.id + " of cluster '" + clusterId + "' was revoked at "
                    + e.revokedAt + "; create a new one");
        }
        if (e.exchanged()) {
            LOG.warnf("Refused a second use of the bootstrap token of enrollment %s (cluster '%s'), spent at %s",
                    e.id, clusterId, e.tokenSpentAt);
            throw new EnrollmentRefusedException("the bootstrap token of enrollment " + e.id + " was already used at "
                    + e.tokenSpentAt + "; create a new enrollment to enroll this cluster again");
        }
        if (!now.isBefore(e.tokenExpiresAt)) {
            throw new EnrollmentRefusedException("the bootstrap token of enrollment " + e.id + " expired at "
                    + e.tokenExpiresAt + "; create a new one");
        }
        for (ClusterEnrollment earlier : enrollments.activeOf(clusterId)) {
            earlier.revokedAt = now;
            LOG.infof("Enrollment %s of cluster '%s' replaced by %s", earlier.id, clusterId, e.id);
        }
        String password = TokenService.randomSecret(PASSWORD_PREFIX);
        e.tokenSpentAt = now;
        e.agentPublicKey = key.toBase64();
        e.credentialHash = TokenService.hash(password);
        String clientId = agentClientId(clusterId);
        issued.fire(new ClusterCredentialsIssued(clusterId, clusterId, password, clientId));
        LOG.infof("Cluster '%s' enrolled (enrollment %s, agent key %s)", clusterId, e.id, key.keyId());
        return new Exchanged(e, clusterId, password, clientId);
    }

    /** Revokes an enrollment (again is a no-op); its agent is disconnected and refused if it was the cluster's identity. */
    @Transactional
    public Optional<ClusterEnrollment> revoke(String enrollmentId) {
        ClusterEnrollment e = enrollments.findByIdOptional(enrollmentId).orElse(null);
        if (e == null) {
            return Optional.empty();
        }
        if (e.revokedAt == null) {
            e.revokedAt = clock.instant();
            if (e.exchanged()) {
                revoked.fire(new ClusterCredentialsRevoked(e.clusterId, e.clusterId, agentClientId(e.clusterId)));
            }
        }
        return Optional.of(e);
    }

    /** Revokes every identity of a cluster, e.g. when it is removed from the fleet. */
    @Transactional
    public void revokeCluster(String clusterId) {
        for (ClusterEnrollment e : enrollments.activeOf(clusterId)) {
            e.revokedAt = clock.instant();
            revoked.fire(new ClusterCredentialsRevoked(clusterId, clusterId, agentClientId(clusterId)));
        }
    }

    void afterIssued(@Observes(during = TransactionPhase.AFTER_SUCCESS) ClusterCredentialsIssued event) {
        identities.reload(event.clusterId());
    }

    void afterRevoked(@Observes(during = TransactionPhase.AFTER_SUCCESS) ClusterCredentialsRevoked event) {
        identities.reload(event.clusterId());
    }
}
