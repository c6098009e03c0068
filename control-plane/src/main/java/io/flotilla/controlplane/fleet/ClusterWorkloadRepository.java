package io.flotilla.controlplane.fleet;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.List;

@ApplicationScoped
public class ClusterWorkloadRepository implements PanacheRepositoryBase<ClusterWorkload, ClusterWorkload.Key> {

    public List<ClusterWorkload> forCluster(String clusterId) {
        return list("key.clusterId = ?1 order by key.name", clusterId);
    }

    /** Every workload of the given clusters, a thousand clusters per query. */
    public List<ClusterWorkload> forClusters(Collection<String> clusterIds) {
        return IdBatches.query(clusterIds, ids -> list("key.clusterId in ?1", ids));
    }

    /** Every workload some policy placed, on any cluster. */
    public List<ClusterWorkload> placedByPolicies() {
        return list("policyName is not null order by key.clusterId, key.name");
    }

    /** Every workload given directly through the API, on any cluster. */
    public List<ClusterWorkload> givenDirectly() {
        return list("policyName is null order by key.clusterId, key.name");
    }
}
