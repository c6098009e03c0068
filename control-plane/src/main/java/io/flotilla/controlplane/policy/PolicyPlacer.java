package io.flotilla.controlplane.policy;

import io.flotilla.controlplane.dispatch.DesiredStateDispatcher;
import io.flotilla.controlplane.fleet.Cluster;
import io.flotilla.controlplane.fleet.ClusterRepository;
import io.flotilla.controlplane.fleet.ClusterWorkload;
import io.flotilla.controlplane.fleet.ClusterWorkloadRepository;
import io.flotilla.controlplane.fleet.FleetSnapshots;
import io.flotilla.controlplane.fleet.WorkloadSpec;
import io.flotilla.controlplane.rollout.RolloutRepository;
import io.flotilla.controlplane.support.ChangeStages;
import io.flotilla.placement.ClusterAssignment;
import io.flotilla.placement.ClusterExclusion;
import io.flotilla.placement.PlacementDecision;
import io.flotilla.placement.PlacementResult;
import io.flotilla.placement.Reservation;
import io.flotilla.policy.FleetPolicy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;

/**
 * Runs placement for all current policies and turns the decisions into the workloads each cluster
 * should run. {@link #plan} only reads, so a dry run is a plan that is not committed; {@link #commit}
 * stores the decisions, changes the policy-placed workload rows and dispatches a new generation to every
 * cluster whose workloads changed, locking those clusters in id order. Workloads given directly through
 * the API are never touched.
 */
@ApplicationScoped
public class PolicyPlacer {

    /**
     * What one cluster's policy-placed workloads become: added or replaced ones, and removed ones.
     *
     * @param replaced the names in {@code put} that the cluster already runs with another spec: updates, which
     *        reach the cluster in rollout waves
     */
    public record ClusterChange(String clusterId, SortedMap<String, WorkloadSpec> put, SortedSet<String> removed,
            SortedSet<String> replaced) {
    }

    /** @param decisions by policy name, as stored and shown */
    public record Plan(Map<String, StoredDecision> decisions, List<ClusterChange> changes) {
    }

    private static final int LOCK_CHUNK = 1000;
    private static final ClusterExclusion.Reason NO_LOCATION = new ClusterExclusion.Reason("location",
            "cluster was registered without latitude and longitude; placement and routing need them");

    private final FleetSnapshots snapshots;
    private final PolicyPlacementRepository placements;
    private final ClusterRepository clusters;
    private final ClusterWorkloadRepository workloads;
    private final DesiredStateDispatcher dispatcher;
    private final LivePlacement live;
    private final ChangeStages stages;
    private final Clock clock;
    private final RolloutRepository rollouts;

    PolicyPlacer(RolloutRepository rollouts, FleetSnapshots snapshots, PolicyPlacementRepository placements, ClusterRepository clusters,
            ClusterWorkloadRepository workloads, DesiredStateDispatcher dispatcher, LivePlacement live,
            ChangeStages stages, Clock clock) {
        this.stages = stages;
        this.rollouts = rollouts;
        this.snapshots = snapshots;
        this.placements = placements;
        this.clusters = clusters;
        this.workloads = workloads;
        this.dispatcher = dispatcher;
        this.live = live;
        this.clock = clock;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public Plan plan(Collection<FleetPolicy> policies) {
        long start = System.nanoTime();
        try {
            return planTimed(policies);
        } finally {
            stages.since(ChangeStages.Stage.PLACEMENT, start);
        }
    }

    private Plan planTimed(Collection<FleetPolicy> policies) {
        var previous = new ArrayList<PlacementDecision>();
        var reserved = new HashMap<String, List<Reservation>>();
        for (PolicyPlacement p : placements.listAll()) {
            PlacementDecision d = p.decision.toDecision(p.policyName);
            previous.add(d);
            // a deleted policy's reservations still count this run: its replicas run until they are pruned
            d.chosen().forEach(a -> reserved.computeIfAbsent(a.clusterId(), k -> new ArrayList<>()).add(a.reservation()));
        }
        FleetSnapshots.Inventory inventory = snapshots.take(reserved, Map.of());
        PlacementResult result = live.place(inventory, List.copyOf(policies), new PlacementResult(previous));

        Map<String, FleetPolicy> byName = new HashMap<>();
        policies.forEach(p -> byName.put(p.name(), p));
        var decisions = new TreeMap<String, StoredDecision>();
        var desired = new TreeMap<String, SortedMap<String, WorkloadSpec>>();
        for (PlacementDecision d : result.decisions()) {
            decisions.put(d.policyName(), StoredDecision.of(withUnlocated(d, inventory.unlocated()), inventory.jurisdictions()));
            for (ClusterAssignment a : d.chosen()) {
                desired.computeIfAbsent(a.clusterId(), k -> new TreeMap<>())
                        .put(d.policyName(), PolicyWorkloads.specOf(byName.get(d.policyName()), a.replicas()));
            }
        }
        var existing = new TreeMap<String, Map<String, WorkloadSpec>>();
        for (ClusterWorkload w : workloads.placedByPolicies()) {
            existing.computeIfAbsent(w.key.clusterId(), k -> new HashMap<>()).put(w.key.name(), w.spec.withDefaults());
        }
        return new Plan(decisions, WorkloadDiff.between(desired, existing));
    }

    /** @param revisions the revision each placed policy was at */
    @Transactional(Transactional.TxType.MANDATORY)
    public void commit(Plan plan, Map<String, Long> revisions) {
        long start = System.nanoTime();
        try {
            commitTimed(plan, revisions);
        } finally {
            stages.since(ChangeStages.Stage.COMMIT, start);
        }
    }

    private void commitTimed(Plan plan, Map<String, Long> revisions) {
        Instant now = clock.instant();
        for (PolicyPlacement stale : placements.listAll()) {
            if (!plan.decisions().containsKey(stale.policyName)) {
                placements.delete(stale);
            }
        }
        plan.decisions().forEach((name, decision) -> {
            PolicyPlacement p = placements.findById(name);
            boolean created = p == null;
            if (created) {
                p = new PolicyPlacement();
                p.policyName = name;
            }
            long revision = revisions.get(name);
            if (created || p.revision != revision || !decision.equals(p.decision)) {
                // unchanged rows are left alone: a re-placement after one cluster's change writes the few it moved
                p.revision = revision;
                p.decision = decision;
                p.placedAt = now;
            }
            if (created) {
                placements.persist(p);
            }
        });
        Set<String> heldBack = rollouts.heldBack();
        // one query for the workloads of every changed cluster: a query per cluster would first flush (dirty-check)
        // everything this transaction holds, which would make a change to N clusters cost O(N²)
        Map<String, Map<String, ClusterWorkload>> current = new HashMap<>();
        for (ClusterWorkload w : workloads.forClusters(plan.changes().stream().map(ClusterChange::clusterId).toList())) {
            current.computeIfAbsent(w.key.clusterId(), k -> new TreeMap<>()).put(w.key.name(), w);
        }
        // id order: two transactions locking several clusters never wait on each other in a cycle; a thousand per
        // query, not one query per cluster (10,000 round trips for a change to 10,000 clusters)
        List<ClusterChange> ordered = plan.changes().stream().sorted(Comparator.comparing(ClusterChange::clusterId)).toList();
        Map<String, Cluster> locked = new HashMap<>();
        for (int from = 0; from < ordered.size(); from += LOCK_CHUNK) {
            List<String> ids = ordered.subList(from, Math.min(ordered.size(), from + LOCK_CHUNK)).stream()
                    .map(ClusterChange::clusterId).toList();
            clusters.findAllForUpdate(ids).forEach(c -> locked.put(c.id, c));
        }
        dispatcher.preload(ordered.stream().map(ClusterChange::clusterId).toList());
        for (ClusterChange change : ordered) {
            Cluster cluster = locked.get(change.clusterId());
            if (cluster == null) {
                continue;
            }
            Map<String, ClusterWorkload> have = current.computeIfAbsent(cluster.id, k -> new TreeMap<>());
            boolean changed = false;
            for (String name : change.removed()) {
                ClusterWorkload w = have.get(name);
                if (w != null && w.policyName != null) {
                    workloads.delete(w);
                    have.remove(name);
                    changed = true;
                }
            }
            for (var entry : change.put().entrySet()) {
                String name = entry.getKey();
                WorkloadSpec spec = entry.getValue();
                if (change.replaced().contains(name) && heldBack.contains(name + "/" + cluster.id)) {
                    continue; // an update whose rollout wave has not reached this cluster yet
                }
                ClusterWorkload w = have.get(name);
                if (w != null && w.policyName == null) {
                    continue; // given directly since the plan was made: the next run places the policy elsewhere
                }
                changed = true;
                if (w == null) {
                    w = new ClusterWorkload();
                    w.key = new ClusterWorkload.Key(cluster.id, name);
                    w.policyName = name;
                    w.spec = spec;
                    w.updatedAt = now;
                    workloads.persist(w);
                    have.put(name, w);
                } else {
                    w.spec = spec;
                    w.updatedAt = now;
                }
            }
            if (changed) {
                dispatcher.dispatch(cluster, have.values());
            }
        }
    }

    private static PlacementDecision withUnlocated(PlacementDecision d, List<String> unlocated) {
        if (unlocated.isEmpty()) {
            return d;
        }
        var excluded = new ArrayList<>(d.excluded());
        unlocated.forEach(id -> excluded.add(new ClusterExclusion(id, List.of(NO_LOCATION))));
        excluded.sort(Comparator.comparing(ClusterExclusion::clusterId));
        return new PlacementDecision(d.policyName(), d.chosen(), excluded, d.shortfall());
    }
}
