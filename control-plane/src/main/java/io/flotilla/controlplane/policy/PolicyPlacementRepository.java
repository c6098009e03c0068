package io.flotilla.controlplane.policy;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

@ApplicationScoped
public class PolicyPlacementRepository implements PanacheRepositoryBase<PolicyPlacement, String> {

    /** Serialises placement runs (and revision numbering) across transactions and control-plane replicas. */
    public void lockPlacement() {
        getEntityManager().createNativeQuery("SELECT id FROM placement_lock WHERE id = 1 FOR UPDATE").getResultList();
    }
}
