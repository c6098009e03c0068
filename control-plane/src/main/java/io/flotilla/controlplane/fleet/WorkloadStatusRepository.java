package io.flotilla.controlplane.fleet;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.List;

@ApplicationScoped
public class WorkloadStatusRepository implements PanacheRepositoryBase<WorkloadStatusRecord, ClusterWorkload.Key> {

    public List<WorkloadStatusRecord> forCluster(String clusterId) {
        return list("key.clusterId = ?1 order by key.name", clusterId);
    }

    /** The statuses of the given clusters by workload name, a thousand clusters per query. */
    public List<WorkloadStatusRecord> forClusters(Collection<String> clusterIds) {
        return IdBatches.query(clusterIds, ids -> list("key.clusterId in ?1 order by key.name", ids));
    }

    public long deleteForCluster(String clusterId) {
        return delete("key.clusterId", clusterId);
    }
}
