package io.flotilla.controlplane.fleet;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;

/**
 * A workload a cluster should run, its {@link WorkloadSpec} stored as JSON (defaults applied). {@code policyName}
 * says which policy placed it there; null for a workload given directly through the API.
 */
@Entity
@Table(name = "cluster_workload")
public class ClusterWorkload {

    @EmbeddedId
    public Key key;

    @Column(name = "spec_json")
    @Convert(converter = JsonColumns.Spec.class)
    public WorkloadSpec spec;

    @Column(name = "updated_at")
    public Instant updatedAt;

    @Column(name = "policy_name")
    public String policyName;

    @Embeddable
    public record Key(@Column(name = "cluster_id") String clusterId, @Column(name = "name") String name)
            implements Serializable {
    }
}
