package io.flotilla.controlplane.fleet;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

@ApplicationScoped
public class ClusterWorkloadRepository implements PanacheRepositoryBase<ClusterWorkload, ClusterWorkload.Key> {

    public List<ClusterWorkload> forCluster(String clusterId) {
        return list("key.clusterId = ?1 order by key.name", clusterId);
    }
}
