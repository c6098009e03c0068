package io.flotilla.controlplane.fleet;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

@ApplicationScoped
public class WorkloadStatusRepository implements PanacheRepositoryBase<WorkloadStatusRecord, ClusterWorkload.Key> {

    public List<WorkloadStatusRecord> forCluster(String clusterId) {
        return list("key.clusterId = ?1 order by key.name", clusterId);
    }

    public long deleteForCluster(String clusterId) {
        return delete("key.clusterId", clusterId);
    }
}
