package io.flotilla.controlplane.fleet;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.util.List;
import java.util.Optional;

@ApplicationScoped
public class ClusterRepository implements PanacheRepositoryBase<Cluster, String> {

    public List<Cluster> listOrdered() {
        return list("order by id");
    }

    /** Loads a cluster and locks its row, so concurrent generation bumps serialise. */
    public Optional<Cluster> findForUpdate(String id) {
        return findByIdOptional(id, LockModeType.PESSIMISTIC_WRITE);
    }
}
