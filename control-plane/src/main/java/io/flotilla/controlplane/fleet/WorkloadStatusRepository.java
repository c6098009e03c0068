package io.flotilla.controlplane.fleet;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

@ApplicationScoped
public class WorkloadStatusRepository implements PanacheRepositoryBase<WorkloadStatusRecord, ClusterWorkload.Key> {

    public List<WorkloadStatusRecord> forCluster(String clusterId) {
        return list("key.clusterId = ?1 order by key.name", clusterId);
    }

    /** The statuses of the given clusters by workload name, a thousand clusters per query. */
    public List<WorkloadStatusRecord> forClusters(Collection<String> clusterIds) {
        List<String> ids = List.copyOf(clusterIds);
        List<WorkloadStatusRecord> found = new ArrayList<>();
        for (int i = 0; i < ids.size(); i += 1000) {
            found.addAll(list("key.clusterId in ?1 order by key.name", ids.subList(i, Math.min(ids.size(), i + 1000))));
        }
        return found;
    }

    public long deleteForCluster(String clusterId) {
        return delete("key.clusterId", clusterId);
    }
}
