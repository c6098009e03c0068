package io.flotilla.controlplane.rollout;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;
import java.util.Set;

@ApplicationScoped
public class RolloutRepository implements PanacheRepositoryBase<Rollout, Long> {

    public Optional<Rollout> latest(String policyName) {
        return find("policyName = ?1 order by id desc", policyName).firstResultOptional();
    }

    public List<Rollout> active() {
        return list("state in ?1 order by id", List.of(Rollout.State.RUNNING, Rollout.State.PAUSED));
    }

    public List<Rollout> active(String policyName) {
        return list("policyName = ?1 and state in ?2", policyName, List.of(Rollout.State.RUNNING, Rollout.State.PAUSED));
    }

    public List<RolloutCluster> clusters(long rolloutId) {
        return getEntityManager().createQuery(
                "select c from RolloutCluster c where c.key.rolloutId = ?1 order by c.wave, c.key.clusterId", RolloutCluster.class)
                .setParameter(1, rolloutId).getResultList();
    }

    /** {@code policy/cluster} for every cluster that an active rollout of the policy holds back (wave not released). */
    public Set<String> heldBack() {
        return Set.copyOf(getEntityManager().createQuery("select concat(r.policyName, '/', c.key.clusterId)"
                        + " from RolloutCluster c, Rollout r where r.id = c.key.rolloutId and r.state in ?1"
                        + " and c.released = false", String.class)
                .setParameter(1, List.of(Rollout.State.RUNNING, Rollout.State.PAUSED)).getResultList());
    }

    public void persist(RolloutCluster c) {
        getEntityManager().persist(c);
    }
}
