package io.flotilla.controlplane.policy;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;

@ApplicationScoped
public class PolicyRevisionRepository implements PanacheRepositoryBase<PolicyRevision, PolicyRevision.Key> {

    private static final String CURRENT = "from PolicyRevision p where p.deleted = false and p.key.revision = "
            + "(select max(r.key.revision) from PolicyRevision r where r.key.policyName = p.key.policyName and r.deleted = false)";

    /** The current revision of every policy that is not deleted, by name. */
    public List<PolicyRevision> current() {
        return find(CURRENT + " order by p.key.policyName").list();
    }

    public Optional<PolicyRevision> current(String name) {
        return find(CURRENT + " and p.key.policyName = ?1", name).firstResultOptional();
    }

    /** The revisions of the policy as it exists now (not of earlier, deleted incarnations), oldest first. */
    public List<PolicyRevision> history(String name) {
        return list("key.policyName = ?1 and deleted = false order by key.revision", name);
    }

    /** The highest revision number the name ever had, deleted ones included; 0 for a new name. */
    public long lastNumber(String name) {
        Long max = getEntityManager()
                .createQuery("select max(r.key.revision) from PolicyRevision r where r.key.policyName = ?1", Long.class)
                .setParameter(1, name).getSingleResult();
        return max == null ? 0 : max;
    }

    public long markDeleted(String name) {
        return update("deleted = true where key.policyName = ?1 and deleted = false", name);
    }
}
