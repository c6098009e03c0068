package io.flotilla.controlplane.fleet;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.hibernate.Session;

@ApplicationScoped
public class ClusterRepository implements PanacheRepositoryBase<Cluster, String> {

    private static final String REPORTED = "(c.lastStatusAt is not null or c.lastPresenceAt is not null or c.lastTelemetryAt is not null)";
    private static final String DEGRADED_WORKLOAD = "exists (select 1 from WorkloadStatusRecord r where r.key.clusterId = c.id"
            + " and r.condition = 'Degraded')";
    /** {@link ClusterHealth#of} as query conditions. */
    private static final Map<ClusterHealth, String> HEALTH = Map.of(
            ClusterHealth.UNKNOWN, "not " + REPORTED,
            ClusterHealth.OFFLINE, REPORTED + " and c.online = false",
            ClusterHealth.DEGRADED, REPORTED + " and c.online = true and (c.applyError is not null or " + DEGRADED_WORKLOAD + ")",
            ClusterHealth.READY, REPORTED + " and c.online = true and c.applyError is null and not " + DEGRADED_WORKLOAD);

    public List<Cluster> listOrdered() {
        return list("order by id");
    }

    /**
     * Up to {@code limit} clusters that match {@code filter}, in id order, after the cluster {@code afterId} (from the
     * first when empty). Health is judged in the query as {@link ClusterHealth#of} judges it in memory.
     */
    public List<Cluster> page(ClusterFilter filter, Optional<String> afterId, int limit) {
        StringBuilder jpql = new StringBuilder("select c from Cluster c");
        List<String> conditions = new ArrayList<>();
        Map<String, Object> parameters = new HashMap<>();
        int n = 0;
        for (Map.Entry<String, String> label : new TreeMap<>(filter.labels()).entrySet()) {
            jpql.append(" join c.labels l").append(n);
            conditions.add("key(l" + n + ") = :key" + n + " and value(l" + n + ") = :value" + n);
            parameters.put("key" + n, label.getKey());
            parameters.put("value" + n, label.getValue());
            n++;
        }
        afterId.ifPresent(id -> {
            conditions.add("c.id > :after");
            parameters.put("after", id);
        });
        filter.jurisdiction().ifPresent(j -> {
            parameters.put("jurisdiction", j);
            if (j.contains("-")) {
                conditions.add("c.jurisdiction = :jurisdiction");
            } else { // a country takes in its subdivisions (DE: DE and DE-BY)
                conditions.add("(c.jurisdiction = :jurisdiction or c.jurisdiction like :subdivisions)");
                parameters.put("subdivisions", j + "-%");
            }
        });
        filter.health().ifPresent(h -> conditions.add(HEALTH.get(h)));
        if (!conditions.isEmpty()) {
            jpql.append(" where ").append(String.join(" and ", conditions));
        }
        var query = getEntityManager().createQuery(jpql.append(" order by c.id").toString(), Cluster.class)
                .setMaxResults(limit);
        parameters.forEach(query::setParameter);
        return query.getResultList();
    }

    /** How many clusters have ever reported, and how many of those are offline now: {reporting, offline}. */
    public int[] presenceCounts() {
        Object[] row = getEntityManager().createQuery("select count(c), coalesce(sum(case when c.online = false then 1 else 0 end), 0)"
                + " from Cluster c where " + REPORTED,
                Object[].class).getSingleResult();
        return new int[] {((Number) row[0]).intValue(), ((Number) row[1]).intValue()};
    }

    /** Loads a cluster and locks its row, so concurrent generation bumps serialise; the row as it is once locked (see {@link #findAllForUpdate}). */
    public Optional<Cluster> findForUpdate(String id) {
        forgetHeld(List.of(id));
        return findByIdOptional(id, LockModeType.PESSIMISTIC_WRITE);
    }

    /**
     * The registered clusters among {@code sortedIds}, locked for update in id order, with their rows as they are
     * once locked.
     *
     * <p>A locking load hands back an instance that the transaction already holds as it was first read: placement
     * reads the whole fleet, then locks the clusters whose workloads change. A presence, status or expiry committed
     * in between would not be in that instance, and the first change to it (a generation bump) writes every column
     * back, undoing it: a cluster that came back stays offline. So held instances are detached first (after a flush,
     * which a query would do anyway, so that nothing the transaction changed is lost) and the rows are read anew.
     */
    public List<Cluster> findAllForUpdate(List<String> sortedIds) {
        if (sortedIds.isEmpty()) {
            return List.of();
        }
        forgetHeld(sortedIds);
        return find("id in ?1 order by id", sortedIds).withLock(LockModeType.PESSIMISTIC_WRITE).list();
    }

    private void forgetHeld(List<String> ids) {
        Session session = getEntityManager().unwrap(Session.class);
        if (session.getStatistics().getEntityCount() == 0) {
            return; // nothing held, and Hibernate 7.2's getManagedEntities throws on a session that has held nothing yet
        }
        Set<String> wanted = new HashSet<>(ids);
        List<Cluster> stale = session.getManagedEntities(Cluster.class).stream()
                .filter(c -> c != null && wanted.contains(c.id)).toList();
        if (!stale.isEmpty()) {
            session.flush();
            stale.forEach(session::detach);
        }
    }
}
