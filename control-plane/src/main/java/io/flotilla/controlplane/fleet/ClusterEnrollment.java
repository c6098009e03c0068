package io.flotilla.controlplane.fleet;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A cluster's enrollment as stored: who enrolled it, when, and the SHA-256 of the agent's broker credential. */
@Entity
@Table(name = "cluster_enrollment")
public class ClusterEnrollment {

    @Id
    public String id;

    @Column(name = "cluster_id")
    public String clusterId;

    @Column(name = "credential_hash")
    public String credentialHash;

    @Column(name = "created_by")
    public String createdBy;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "revoked_at")
    public Instant revokedAt;
}
