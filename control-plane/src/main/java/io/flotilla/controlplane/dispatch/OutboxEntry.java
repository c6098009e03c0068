package io.flotilla.controlplane.dispatch;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** The newest signed desired state of one cluster, waiting for (or past) publication. */
@Entity
@Table(name = "desired_outbox")
public class OutboxEntry {

    @Id
    @Column(name = "cluster_id")
    public String clusterId;

    public long generation;

    public byte[] payload;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "published_at")
    public Instant publishedAt;

    public int attempts;

    /** Re-publications of this generation because the cluster did not acknowledge it in time. */
    public int republications;
}
