package io.flotilla.controlplane.identity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * One enrollment of a cluster, as stored: a one-time bootstrap token (its SHA-256 only), bound to the cluster id and
 * expiring; once the agent exchanged it, the agent's Ed25519 public key and the SHA-256 of the broker password it was
 * given. A cluster's identity is its newest exchanged enrollment that is not revoked; exchanging a new one revokes the
 * ones before it. Rows are kept after revocation, for the audit trail.
 */
@Entity
@Table(name = "cluster_enrollment")
public class ClusterEnrollment {

    @Id
    public String id;

    @Column(name = "cluster_id")
    public String clusterId;

    @Column(name = "bootstrap_token_hash")
    public String bootstrapTokenHash;

    @Column(name = "token_expires_at")
    public Instant tokenExpiresAt;

    /** When the agent exchanged the token; null while it has not. */
    @Column(name = "token_spent_at")
    public Instant tokenSpentAt;

    /** The agent's Ed25519 public key, raw 32 bytes in base64; null until the exchange. */
    @Column(name = "agent_public_key")
    public String agentPublicKey;

    /** SHA-256 of the agent's broker password; null until the exchange. */
    @Column(name = "credential_hash")
    public String credentialHash;

    @Column(name = "created_by")
    public String createdBy;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "revoked_at")
    public Instant revokedAt;

    public boolean exchanged() {
        return tokenSpentAt != null;
    }

    public boolean revoked() {
        return revokedAt != null;
    }
}
