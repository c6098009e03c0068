package io.flotilla.placement;

import io.flotilla.policy.AllowedJurisdictions;
import io.flotilla.policy.FleetPolicy;
import io.flotilla.policy.Placement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A placement run that starts from the engine's last one, taken when the policies are the same and only a few
 * clusters changed (by identity), and every plugin declares that it decides or scores per cluster. Per policy,
 * only the changed clusters and, where a plugin reads free capacity, those whose free capacity now differs from
 * the last run's at that point ("dirty") are looked at: when their feasibility is unchanged, none of them was
 * chosen, and a looked-at cluster's new score would not have won any selection round, the decision stays (its
 * explanations are re-bound to the new snapshot and ledger state); otherwise the policy is placed from scratch.
 * Results never depend on whether this path was taken.
 */
final class IncrementalRun {

    /** More changed clusters than this and a run starts from scratch. */
    private static final int MAX_CHANGES = 64;

    /** What a run left, per policy in name order. */
    record Run(SnapshotIndex index, List<FleetPolicy> policies, CapacityLedger initial, PolicyRun[] runs, PlacementResult result,
            PlacementEngine.RunStats stats) {
    }

    /**
     * One policy's outcome and what is needed to reuse it.
     *
     * @param before frozen ledger before the policy's reservations
     * @param chosen chosen cluster indices, in pick order; {@code chosenAfter} their ledger state after it
     * @param feasible cluster indices that passed every filter, ascending; {@code lastTotal} parallel to it
     * @param shortfallCounts excluded clusters per source, when there is a shortfall
     */
    record PolicyRun(FleetPolicy policy, AllowedJurisdictions allowed, Optional<PlacementDecision> previous,
            PreviousChoice prev, CapacityLedger before, int[] chosen, CapacityLedger.Free[] chosenAfter, int[] feasible, double[] lastTotal,
            TreeMap<String, Integer> shortfallCounts, PlacementDecision decision) {
        boolean isChosen(int c) {
            for (int x : chosen) {
                if (x == c) {
                    return true;
                }
            }
            return false;
        }
    }

    private final PlacementEngine engine;
    private final Run old;

    IncrementalRun(PlacementEngine engine, Run old) {
        this.engine = engine;
        this.old = old;
    }

    /** The run over {@code snapshot}, or null when a run from scratch is needed. */
    Run place(FleetSnapshot snapshot, List<FleetPolicy> ordered, List<Optional<PlacementDecision>> previous) {
        if (ordered.size() != old.policies.size()) {
            return null;
        }
        for (int p = 0; p < ordered.size(); p++) {
            if (ordered.get(p) != old.policies.get(p) && !ordered.get(p).equals(old.policies.get(p))) {
                return null;
            }
        }
        List<ClusterState> now = snapshot.clusters();
        List<ClusterState> was = old.index.clusters;
        if (now.size() != was.size()) {
            return null;
        }
        var changedList = new ArrayList<Integer>();
        if (snapshot != old.index.snapshot) {
            for (int i = 0; i < now.size(); i++) {
                if (now.get(i) != was.get(i)) {
                    if (!now.get(i).id().equals(was.get(i).id()) || changedList.size() == MAX_CHANGES) {
                        return null;
                    }
                    changedList.add(i);
                }
            }
        }
        int[] changed = changedList.stream().mapToInt(Integer::intValue).toArray();
        SnapshotIndex index = snapshot == old.index.snapshot ? old.index : old.index.derive(snapshot, changed);

        CapacityLedger ledger = old.initial.writableCopy(index);
        var dirty = new TreeSet<Integer>(); // clusters whose free capacity differs from the old run's at this point
        for (int c : changed) {
            CapacityLedger.Free f = CapacityLedger.initial(index, c);
            ledger.set(c, f);
            if (!f.sameAs(old.initial.free(c))) {
                dirty.add(c);
            }
        }
        CapacityLedger initial = view(index, old.initial, toArray(dirty), ledger);
        int[] dirtyNow = toArray(dirty);

        var runs = new PolicyRun[ordered.size()];
        var decisions = new ArrayList<PlacementDecision>(ordered.size());
        int placed = 0;
        for (int p = 0; p < runs.length; p++) {
            PolicyRun o = old.runs[p];
            boolean samePrevious = samePrevious(previous.get(p), o.previous);
            // the same previous chosen clusters and reservations, the same cluster indices
            PreviousChoice choice = samePrevious ? o.prev : PreviousChoice.of(previous.get(p), index);
            var ctx = new PlacementContext(ordered.get(p), o.allowed, engine.sites, ledger, previous.get(p), choice, false);
            PolicyRun r = samePrevious ? reuse(o, ctx, changed, dirtyNow) : null;
            if (r == null) {
                r = engine.placeOne(ctx);
                placed++;
            }
            // capacity after this policy: compare with the old run's where either run reserved
            var touched = new TreeSet<Integer>();
            for (int c : o.chosen) {
                touched.add(c);
            }
            for (int c : r.chosen) {
                touched.add(c);
            }
            boolean modified = false;
            for (int c : touched) {
                int k = indexOf(o.chosen, c);
                CapacityLedger.Free oldAfter = k >= 0 ? o.chosenAfter[k] : o.before.free(c);
                modified |= ledger.free(c).sameAs(oldAfter) ? dirty.remove(c) : dirty.add(c);
            }
            if (modified) {
                dirtyNow = toArray(dirty);
            }
            runs[p] = r;
            decisions.add(r.decision);
        }
        return new Run(index, ordered, initial, runs, new PlacementResult(decisions), new PlacementEngine.RunStats(true, changed.length, placed));
    }

    /** The old decision, re-bound to the new snapshot, or null when the policy must be placed again. */
    private PolicyRun reuse(PolicyRun o, PlacementContext live, int[] changed, int[] dirty) {
        SnapshotIndex index = live.index();
        CapacityLedger ledger = live.ledger();
        int[] look = engine.filtersReadCapacity || engine.scoresReadCapacity ? union(dirty, changed) : changed;
        CapacityLedger before = view(index, o.before, dirty, ledger);
        PlacementContext frozen = live.with(before, true);
        var checks = new PreparedFilters(engine.filters, frozen);
        PreparedFilters oldChecks = null;
        PlacementEngine.Scoring scoring = null;
        double[] lastTotal = o.lastTotal;
        TreeMap<String, Integer> counts = o.shortfallCounts == null ? null : new TreeMap<>(o.shortfallCounts);
        for (int c : look) {
            int f = Arrays.binarySearch(o.feasible, c);
            boolean nowFeasible = checks.admitsAll(c);
            if ((f >= 0) != nowFeasible || (nowFeasible && o.isChosen(c))) {
                return null;
            }
            if (nowFeasible && (engine.scoresReadCapacity || Arrays.binarySearch(changed, c) >= 0)) {
                if (scoring == null) {
                    scoring = engine.new Scoring(live, null);
                }
                double t = lastTotalIfNotPicked(o, live, scoring, c);
                if (Double.isNaN(t)) {
                    return null;
                }
                if (Double.compare(t, lastTotal[f]) != 0) {
                    if (lastTotal == o.lastTotal) {
                        lastTotal = lastTotal.clone();
                    }
                    lastTotal[f] = t;
                }
            }
            if (counts != null && !nowFeasible) {
                if (oldChecks == null) {
                    oldChecks = new PreparedFilters(engine.filters, live.with(o.before, true));
                }
                oldChecks.sources(o.feasible, c).forEach(s -> counts.merge(s, -1, Integer::sum));
                checks.sources(o.feasible, c).forEach(s -> counts.merge(s, 1, Integer::sum));
                counts.values().removeIf(v -> v == 0);
            }
        }
        for (int k = 0; k < o.chosen.length; k++) {
            ledger.set(o.chosen[k], o.chosenAfter[k]); // same state before, same reservation
        }
        int[] sortedPicks = o.chosen.clone();
        Arrays.sort(sortedPicks);
        Placement placement = live.policy().spec().placement();
        var excluded = new ExclusionList(frozen, checks, sortedPicks, o.feasible, lastTotal, placement.maxClusters());
        Optional<String> shortfall = counts == null ? Optional.empty()
                : Optional.of(PlacementEngine.shortfall(placement.minClusters(), o.chosen.length, index.size, counts));
        var decision = new PlacementDecision(o.decision.policyName(), o.decision.chosen(), excluded, shortfall);
        return new PolicyRun(o.policy, o.allowed, live.previous(), o.prev, before, o.chosen, o.chosenAfter, o.feasible, lastTotal, counts,
                decision);
    }

    /** Cluster {@code c}'s total in the last selection round when it would not have been picked in any round of {@code o}, else NaN. */
    private static double lastTotalIfNotPicked(PolicyRun o, PlacementContext live, PlacementEngine.Scoring scoring, int c) {
        if (o.chosen.length == 0) {
            return o.lastTotal[Arrays.binarySearch(o.feasible, c)];
        }
        List<ClusterAssignment> picked = o.decision.chosen();
        var chosenStates = new ArrayList<ClusterState>(o.chosen.length);
        try {
            double t = 0;
            for (int r = 0; r < o.chosen.length; r++) {
                if (scoring.anyVaries) {
                    live.setChosen(chosenStates);
                }
                t = scoring.totalOf(c, o.chosen, r);
                double best = picked.get(r).score();
                if (t > best || (t == best && c < o.chosen[r]) || Double.isNaN(t)) {
                    return Double.NaN;
                }
                chosenStates.add(live.cluster(o.chosen[r]));
            }
            return t;
        } finally {
            live.setChosen(List.of());
        }
    }

    /**
     * Whether two previous decisions mean the same to plugins that decide or score per cluster, which read only the
     * chosen clusters and their reservations (steadiness, capacity credit).
     */
    private static boolean samePrevious(Optional<PlacementDecision> a, Optional<PlacementDecision> b) {
        if (a.orElse(null) == b.orElse(null)) {
            return true;
        }
        List<ClusterAssignment> x = a.map(PlacementDecision::chosen).orElse(List.of());
        List<ClusterAssignment> y = b.map(PlacementDecision::chosen).orElse(List.of());
        if (x.size() != y.size()) {
            return false;
        }
        for (int k = 0; k < x.size(); k++) {
            if (!x.get(k).clusterId().equals(y.get(k).clusterId()) || !x.get(k).reservation().equals(y.get(k).reservation())) {
                return false;
            }
        }
        return true;
    }

    private static int[] union(int[] a, int[] b) {
        if (b.length == 0) {
            return a;
        }
        var set = new TreeSet<Integer>();
        for (int x : a) {
            set.add(x);
        }
        for (int x : b) {
            set.add(x);
        }
        return toArray(set);
    }

    /** {@code base} with the clusters {@code keys} (ascending) read from {@code ledger}. */
    private static CapacityLedger view(SnapshotIndex index, CapacityLedger base, int[] keys, CapacityLedger ledger) {
        var state = new CapacityLedger.Free[keys.length];
        for (int k = 0; k < keys.length; k++) {
            state[k] = ledger.free(keys[k]);
        }
        return CapacityLedger.view(index, base, keys, state);
    }

    private static int[] toArray(TreeSet<Integer> set) {
        return set.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int indexOf(int[] a, int v) {
        for (int k = 0; k < a.length; k++) {
            if (a[k] == v) {
                return k;
            }
        }
        return -1;
    }
}
