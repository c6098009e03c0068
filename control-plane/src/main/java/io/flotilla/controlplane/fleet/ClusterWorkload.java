package io.flotilla.controlplane.fleet;

import io.flotilla.controlplane.support.StoredJson;
import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;

/**
 * A workload a cluster should run; {@code specJson} is a {@link WorkloadSpec} as JSON. {@code policyName}
 * says which policy placed it there; null for a workload given directly through the API.
 */
@Entity
@Table(name = "cluster_workload")
public class ClusterWorkload {

    @EmbeddedId
    public Key key;

    @Column(name = "spec_json")
    public String specJson;

    @Column(name = "updated_at")
    public Instant updatedAt;

    @Column(name = "policy_name")
    public String policyName;

    /** The stored spec; {@link WorkloadSpec#withDefaults()} was applied before it was stored. */
    public WorkloadSpec spec(StoredJson json) {
        return json.read(specJson, WorkloadSpec.class, "workload " + key.name() + " of cluster " + key.clusterId());
    }

    @Embeddable
    public record Key(@Column(name = "cluster_id") String clusterId, @Column(name = "name") String name)
            implements Serializable {
    }
}
