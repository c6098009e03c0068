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

    /** The registered clusters among {@code sortedIds}, locked for update in id order. */
    public List<Cluster> findAllForUpdate(List<String> sortedIds) {
        if (sortedIds.isEmpty()) {
            return List.of();
        }
        return find("id in ?1 order by id", sortedIds).withLock(LockModeType.PESSIMISTIC_WRITE).list();
    }
}
