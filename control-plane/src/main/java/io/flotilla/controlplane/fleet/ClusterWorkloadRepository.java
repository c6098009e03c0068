package io.flotilla.controlplane.fleet;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

@ApplicationScoped
public class ClusterWorkloadRepository implements PanacheRepositoryBase<ClusterWorkload, ClusterWorkload.Key> {

    public List<ClusterWorkload> forCluster(String clusterId) {
        return list("key.clusterId = ?1 order by key.name", clusterId);
    }

    /** Every workload of the given clusters, a thousand clusters per query (PostgreSQL takes at most 32,767 parameters). */
    public List<ClusterWorkload> forClusters(Collection<String> clusterIds) {
        List<String> ids = List.copyOf(clusterIds);
        List<ClusterWorkload> found = new ArrayList<>();
        for (int i = 0; i < ids.size(); i += 1000) {
            found.addAll(list("key.clusterId in ?1", ids.subList(i, Math.min(ids.size(), i + 1000))));
        }
        return found;
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
