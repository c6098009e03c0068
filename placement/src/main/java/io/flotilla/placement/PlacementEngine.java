package io.flotilla.placement;

import io.flotilla.policy.AllowedJurisdictions;
import io.flotilla.policy.ClusterSelector;
import io.flotilla.policy.DemandPoint;
import io.flotilla.policy.FleetPolicy;
import io.flotilla.policy.GeoPoint;
import io.flotilla.policy.JurisdictionCatalog;
import io.flotilla.policy.Placement;
import io.flotilla.policy.Resources;
import io.flotilla.policy.Sites;
import io.flotilla.policy.TaintEffect;
import io.flotilla.policy.Toleration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Decides, for every policy, which clusters run it and why every other cluster does not. Pure and
 * deterministic: policies are placed in name order against one capacity ledger, clusters are considered in
 * id order, and ties go to the smaller cluster id. See placement/DESIGN.md, also for how it is made fast:
 * per-snapshot masks and columns, cheap feasibility checks with reasons formatted on demand, and an
 * incremental path when only a few clusters changed since the engine's last run.
 */
public final class PlacementEngine {

    /** From this many picks on, a policy whose scores do not depend on the picks ranks its clusters once. */
    private static final int RANK_ONCE_FROM = 32;

    /** More changed clusters than this and a run starts from scratch. */
    private static final int MAX_INCREMENTAL_CHANGES = 64;

    private final JurisdictionCatalog jurisdictions;
    private final Sites sites;
    private final PlacementPlugins plugins;
    /** Filters that decide per cluster and the standard scores let a run reuse the last one's work (see {@link #incremental}). */
    private final boolean incrementalCapable;
    private final double[] weights;
    private final double totalWeight;
    /** The last run, to start the next one from. Results never depend on it. */
    private volatile Run last;

    public PlacementEngine(JurisdictionCatalog jurisdictions, Sites sites, PlacementPlugins plugins) {
        this.jurisdictions = jurisdictions;
        this.sites = sites;
        this.plugins = plugins;
        this.incrementalCapable = plugins.filters().stream().allMatch(FilterPlugin::decidesPerCluster)
                && plugins.scores().stream().allMatch(s -> s instanceof LatencyScore || s instanceof LoadScore
                || s instanceof SpreadScore || s instanceof SteadinessScore);
        List<ScorePlugin> scores = plugins.scores();
        this.weights = new double[scores.size()];
        for (int p = 0; p < weights.length; p++) {
            weights[p] = scores.get(p).weight();
        }
        this.totalWeight = scores.stream().mapToDouble(ScorePlugin::weight).sum();
    }

    public PlacementEngine(JurisdictionCatalog jurisdictions, Sites sites) {
        this(jurisdictions, sites, PlacementPlugins.standard());
    }

    /**
     * @param previous the last result, for steadiness and to let each policy reuse the capacity it holds;
     *        {@link PlacementResult#EMPTY} the first time
     * @throws IllegalArgumentException when two policies share a name or a policy names an unknown jurisdiction
     */
    public PlacementResult place(FleetSnapshot snapshot, List<FleetPolicy> policies, PlacementResult previous) {
        List<FleetPolicy> ordered = policies.stream().sorted(Comparator.comparing(FleetPolicy::name)).toList();
        for (int i = 1; i < ordered.size(); i++) {
            if (ordered.get(i).name().equals(ordered.get(i - 1).name())) {
                throw new IllegalArgumentException("two policies are named " + ordered.get(i).name());
            }
        }
        List<Optional<PlacementDecision>> previousDecisions = previousByPolicy(ordered, previous);
        Run before = last;
        Run run = before != null && incrementalCapable ? incremental(before, snapshot, ordered, previousDecisions) : null;
        if (run == null) {
            SnapshotIndex index = before != null && before.index.snapshot == snapshot ? before.index : SnapshotIndex.of(snapshot);
            run = full(index, ordered, previousDecisions);
        }
        last = run;
        return run.result;
    }

    /**
     * How the last run went, for metrics and logs.
     *
     * @param incremental whether it started from the run before (else every policy was placed from scratch)
     * @param changedClusters clusters whose state differed from the run before (0 for a run from scratch)
     * @param policiesPlaced policies placed from scratch; the others kept their decision
     */
    public record RunStats(boolean incremental, int changedClusters, int policiesPlaced) {
    }

    /** What a previous run left, per policy in name order. */
    private record Run(SnapshotIndex index, List<FleetPolicy> policies, CapacityLedger initial, PolicyRun[] runs, PlacementResult result,
            RunStats stats) {
    }

    /** How the last {@link #place} went; null before the first. */
    public RunStats lastRunStats() {
        Run run = last;
        return run == null ? null : run.stats;
    }

    /**
     * One policy's outcome and what is needed to reuse it.
     *
     * @param before frozen ledger before the policy's reservations
     * @param chosen chosen cluster indices, in pick order; {@code chosenAfter} their ledger state after it
     * @param feasible cluster indices that passed every filter, ascending; {@code lastTotal} parallel to it
     * @param shortfallCounts excluded clusters per source, when there is a shortfall
     */
    private record PolicyRun(FleetPolicy policy, AllowedJurisdictions allowed, Optional<PlacementDecision> previous,
            Prev prev, CapacityLedger before, int[] chosen, CapacityLedger.Free[] chosenAfter, int[] feasible, double[] lastTotal,
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

    /** {@code previous.decision(name)} for every policy, in one merge pass (both are in name order). */
    private static List<Optional<PlacementDecision>> previousByPolicy(List<FleetPolicy> ordered, PlacementResult previous) {
        List<PlacementDecision> decisions = previous.decisions();
        var out = new ArrayList<Optional<PlacementDecision>>(ordered.size());
        int j = 0;
        for (FleetPolicy p : ordered) {
            while (j < decisions.size() && decisions.get(j).policyName().compareTo(p.name()) < 0) {
                j++;
            }
            out.add(j < decisions.size() && decisions.get(j).policyName().equals(p.name())
                    ? Optional.of(chosenOnly(decisions.get(j))) : Optional.empty());
        }
        return out;
    }

    /**
     * A previous decision as plugins read it: its chosen clusters and shortfall. Its lazily explained exclusions are
     * left behind: they hold the context they were decided in, with the decision before it, and so on, so an engine
     * fed its own results would keep every run it ever made.
     */
    private static PlacementDecision chosenOnly(PlacementDecision d) {
        return d.excluded().isEmpty() ? d : new PlacementDecision(d.policyName(), d.chosen(), List.of(), d.shortfall());
    }

    private Run full(SnapshotIndex index, List<FleetPolicy> ordered, List<Optional<PlacementDecision>> previous) {
        var ledger = new CapacityLedger(index);
        CapacityLedger initial = ledger.frozen();
        var allowedByList = new HashMap<List<String>, AllowedJurisdictions>();
        var runs = new PolicyRun[ordered.size()];
        var decisions = new ArrayList<PlacementDecision>(ordered.size());
        for (int p = 0; p < runs.length; p++) {
            FleetPolicy policy = ordered.get(p);
            AllowedJurisdictions allowed = allowedByList.computeIfAbsent(policy.spec().placement().jurisdictions(), jurisdictions::allowed);
            var ctx = new PlacementContext(index.snapshot, policy, allowed, sites, ledger, previous.get(p));
            runs[p] = placeOne(ctx, ledger, index);
            decisions.add(runs[p].decision);
        }
        return new Run(index, ordered, initial, runs, new PlacementResult(decisions), new RunStats(false, 0, runs.length));
    }

    // ---------------------------------------------------------------------------------------------------
    // One policy from scratch
    // ---------------------------------------------------------------------------------------------------

    private PolicyRun placeOne(PlacementContext live, CapacityLedger ledger, SnapshotIndex index) {
        CapacityLedger before = ledger.frozen();
        PlacementContext frozen = live.with(index.snapshot, before);
        Placement placement = live.policy().spec().placement();
        Prev prev = Prev.of(live.previous(), index);
        Checks checks = checks(frozen, index, prev, false);

        // feasibility: the policy-independent filters come as cached masks, the rest run on what those admit
        int[] candidates = index.candidates(checks.staticMasks);
        int[] feasible = new int[candidates.length];
        int n = 0;
        for (int c : candidates) {
            if (checks.admitsDynamic(c)) {
                feasible[n++] = c;
            }
        }
        feasible = Arrays.copyOf(feasible, n);

        List<ScorePlugin> scores = plugins.scores();
        Scoring scoring = new Scoring(live, index, prev);
        double[][] normalised = new double[scores.size()][];
        boolean[] varies = new boolean[scores.size()];
        boolean anyVaries = false;
        for (int p = 0; p < scores.size(); p++) {
            varies[p] = scores.get(p).dependsOnSelection(live);
            anyVaries |= varies[p];
            if (!varies[p]) {
                double[] raw = new double[n];
                for (int i = 0; i < n; i++) {
                    raw[i] = scoring.raw(p, feasible[i], List.of());
                }
                normalised[p] = scores.get(p).normalise(raw);
            }
        }

        int maxClusters = placement.maxClusters();
        boolean[] taken = new boolean[n];
        double[] lastTotal = new double[n];
        // no score depends on the picks so far: every round would rank the same totals, so for many picks rank them
        // once (a policy over the whole fleet was n rounds of n totals: 8.6 s at 10,000 clusters); a few rounds
        // (most policies pick up to a handful of clusters) cost less than the sort
        int[] ranked = anyVaries || Math.min(maxClusters, n) <= RANK_ONCE_FROM ? null : rankedByTotal(normalised, lastTotal, n);
        var chosenStates = new ArrayList<ClusterState>();
        var chosenIdx = new ArrayList<Integer>();
        var chosen = new ArrayList<ClusterAssignment>();
        var chosenAfter = new ArrayList<CapacityLedger.Free>();
        live.setChosen(chosenStates);
        while (chosen.size() < maxClusters && chosen.size() < n) {
            int best = ranked != null ? ranked[chosen.size()] : bestOfRound(live, scoring, feasible, chosenStates, chosenIdx,
                    normalised, varies, taken, lastTotal);
            int ci = feasible[best];
            ClusterState c = index.clusters.get(ci);
            taken[best] = true;
            Map<String, Double> breakdown = new LinkedHashMap<>();
            for (int p = 0; p < scores.size(); p++) {
                breakdown.put(scores.get(p).name(), normalised[p][best]);
            }
            Reservation reservation = ResourceFit.reservation(live, c);
            ledger.reserve(ci, reservation, prev.credit(ci));
            chosenStates.add(c);
            chosenIdx.add(ci);
            chosenAfter.add(ledger.free(ci));
            chosen.add(new ClusterAssignment(c.id(), ResourceFit.replicas(live), lastTotal[best], breakdown, reservation));
        }
        int[] picks = chosenIdx.stream().mapToInt(Integer::intValue).toArray();
        int[] sortedPicks = picks.clone();
        Arrays.sort(sortedPicks);
        int[] feasibleIds = feasible;
        var excluded = new ExclusionList(frozen, plugins.filters(), sortedPicks, feasible, lastTotal, maxClusters,
                i -> sources(checks, feasibleIds, i));
        TreeMap<String, Integer> counts = null;
        Optional<String> shortfall = Optional.empty();
        if (chosen.size() < placement.minClusters()) {
            counts = new TreeMap<>();
            for (int i = 0; i < index.size; i++) {
                if (Arrays.binarySearch(sortedPicks, i) < 0) {
                    for (String s : sources(checks, feasible, i)) {
                        counts.merge(s, 1, Integer::sum);
                    }
                }
            }
            shortfall = Optional.of(shortfall(placement.minClusters(), chosen.size(), index.size, counts));
        }
        var decision = new PlacementDecision(live.policy().name(), chosen, excluded, shortfall);
        return new PolicyRun(live.policy(), live.allowedJurisdictions(), live.previous(), prev, before, picks,
                chosenAfter.toArray(CapacityLedger.Free[]::new), feasible, lastTotal, counts, decision);
    }

    /** The distinct sources of the reasons cluster {@code i} (not chosen) is excluded for. */
    /** Fills {@code total} with each feasible cluster's total and returns the positions best first, the smaller id on ties. */
    private int[] rankedByTotal(double[][] normalised, double[] total, int n) {
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (int p = 0; p < weights.length; p++) {
                sum += weights[p] * normalised[p][i];
            }
            total[i] = totalWeight == 0 ? 0 : sum / totalWeight;
            order[i] = i;
        }
        // as the rounds pick: the highest total, on ties the smaller position (feasible is in id order)
        Arrays.sort(order, (a, b) -> total[a] != total[b] ? Double.compare(total[b], total[a]) : Integer.compare(a, b));
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = order[i];
        }
        return out;
    }

    /** One selection round: the scores that depend on the picks so far computed again, and the best cluster not taken. */
    private int bestOfRound(PlacementContext live, Scoring scoring, int[] feasible, List<ClusterState> chosenStates,
            List<Integer> chosenIdx, double[][] normalised, boolean[] varies, boolean[] taken, double[] lastTotal) {
        List<ScorePlugin> scores = plugins.scores();
        int n = feasible.length;
        live.setChosen(chosenStates);
        for (int p = 0; p < scores.size(); p++) {
            if (varies[p]) {
                double[] raw = new double[n];
                for (int i = 0; i < n; i++) {
                    raw[i] = scoring.raw(p, feasible[i], chosenIdx);
                }
                normalised[p] = scores.get(p).normalise(raw);
            }
        }
        int best = -1;
        for (int i = 0; i < n; i++) {
            if (taken[i]) {
                continue;
            }
            double total = 0;
            for (int p = 0; p < weights.length; p++) {
                total += weights[p] * normalised[p][i];
            }
            lastTotal[i] = totalWeight == 0 ? 0 : total / totalWeight;
            // feasible is in id order, so a strict comparison keeps the smaller id on ties
            if (best < 0 || lastTotal[i] > lastTotal[best]) {
                best = i;
            }
        }
        return best;
    }

    private LinkedHashSet<String> sources(Checks checks, int[] feasible, int i) {
        var out = new LinkedHashSet<String>(2);
        if (Arrays.binarySearch(feasible, i) >= 0) {
            out.add("rank");
            return out;
        }
        for (int f = 0; f < checks.all.length; f++) {
            if (!checks.all[f].admits(i)) {
                out.add(plugins.filters().get(f).name());
            }
        }
        return out;
    }

    private static String shortfall(int min, int chosen, int clusters, TreeMap<String, Integer> byFilter) {
        var sb = new StringBuilder("only ").append(chosen).append(" of minClusters ").append(min).append(" clusters fit");
        if (clusters == 0) {
            sb.append(": the fleet has no clusters");
        } else if (!byFilter.isEmpty()) {
            sb.append(" (of ").append(clusters).append(" clusters, excluded by ");
            byFilter.forEach((k, v) -> sb.append(k).append(": ").append(v).append(", "));
            sb.setLength(sb.length() - 2);
            sb.append(")");
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------------------------------------------
    // Re-placement from the last run
    // ---------------------------------------------------------------------------------------------------

    /**
     * Places again from the last run when the policies are the same and only a few clusters changed (by
     * identity). Per policy, only the changed clusters and those whose free capacity now differs from the
     * last run's at that point ("dirty") are looked at: when their feasibility is unchanged, none of them was
     * chosen, and a changed cluster's new score would not have won any selection round, the decision stays
     * (its explanations are re-bound to the new snapshot and ledger state); otherwise the policy is placed from
     * scratch. Returns null when a full run is needed.
     */
    private Run incremental(Run old, FleetSnapshot snapshot, List<FleetPolicy> ordered, List<Optional<PlacementDecision>> previous) {
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
                    if (!now.get(i).id().equals(was.get(i).id()) || changedList.size() == MAX_INCREMENTAL_CHANGES) {
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
            var ctx = new PlacementContext(snapshot, ordered.get(p), o.allowed, sites, ledger, previous.get(p));
            PolicyRun r = samePrevious(previous.get(p), o.previous) ? reuse(o, ctx, ledger, index, old.index, changed, dirtyNow) : null;
            if (r == null) {
                r = placeOne(ctx, ledger, index);
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
        return new Run(index, ordered, initial, runs, new PlacementResult(decisions), new RunStats(true, changed.length, placed));
    }

    /** The old decision, re-bound to the new snapshot, or null when the policy must be placed again. */
    private PolicyRun reuse(PolicyRun o, PlacementContext live, CapacityLedger ledger, SnapshotIndex index, SnapshotIndex oldIndex,
            int[] changed, int[] dirty) {
        int[] look = union(dirty, changed);
        CapacityLedger before = view(index, o.before, dirty, ledger);
        PlacementContext frozen = live.with(index.snapshot, before);
        Prev prev = o.prev; // the same previous chosen clusters and reservations (samePrevious), the same cluster indices
        Checks checks = checks(frozen, index, prev, true);
        Checks oldChecks = null;
        double[] lastTotal = o.lastTotal;
        TreeMap<String, Integer> counts = o.shortfallCounts == null ? null : new TreeMap<>(o.shortfallCounts);
        for (int c : look) {
            int f = Arrays.binarySearch(o.feasible, c);
            boolean nowFeasible = checks.admitsAll(c);
            if ((f >= 0) != nowFeasible || (nowFeasible && o.isChosen(c))) {
                return null;
            }
            if (nowFeasible && Arrays.binarySearch(changed, c) >= 0) {
                double t = lastTotalIfNotPicked(o, live, index, prev, c);
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
                    oldChecks = checks(live.with(oldIndex.snapshot, o.before), oldIndex, prev, true);
                }
                sources(oldChecks, o.feasible, c).forEach(s -> counts.merge(s, -1, Integer::sum));
                sources(checks, o.feasible, c).forEach(s -> counts.merge(s, 1, Integer::sum));
                counts.values().removeIf(v -> v == 0);
            }
        }
        for (int k = 0; k < o.chosen.length; k++) {
            ledger.set(o.chosen[k], o.chosenAfter[k]); // same state before, same reservation
        }
        int[] sortedPicks = o.chosen.clone();
        Arrays.sort(sortedPicks);
        Placement placement = live.policy().spec().placement();
        int[] feasible = o.feasible; // the lambda must not hold o: each run would keep the one before it alive
        var excluded = new ExclusionList(frozen, plugins.filters(), sortedPicks, feasible, lastTotal, placement.maxClusters(),
                i -> sources(checks, feasible, i));
        Optional<String> shortfall = counts == null ? Optional.empty()
                : Optional.of(shortfall(placement.minClusters(), o.chosen.length, index.size, counts));
        var decision = new PlacementDecision(o.decision.policyName(), o.decision.chosen(), excluded, shortfall);
        return new PolicyRun(o.policy, o.allowed, live.previous(), prev, before, o.chosen, o.chosenAfter, o.feasible, lastTotal, counts, decision);
    }

    /**
     * Cluster {@code c}'s total in the last selection round when it would not have been picked in any round of
     * {@code o}, else NaN. Only for the standard scores, whose normalisation is per cluster.
     */
    private double lastTotalIfNotPicked(PolicyRun o, PlacementContext live, SnapshotIndex index, Prev prev, int c) {
        List<ScorePlugin> scores = plugins.scores();
        Scoring scoring = new Scoring(live, index, prev);
        double[] norm = new double[scores.size()];
        for (int p = 0; p < scores.size(); p++) {
            if (!scores.get(p).dependsOnSelection()) {
                norm[p] = scores.get(p).normalise(new double[] {scoring.raw(p, c, null)})[0];
            }
        }
        List<ClusterAssignment> picked = o.decision.chosen();
        double t = 0;
        var chosenSoFar = new ArrayList<Integer>();
        for (int r = 0; r < o.chosen.length; r++) {
            for (int p = 0; p < scores.size(); p++) {
                if (scores.get(p).dependsOnSelection()) {
                    norm[p] = scores.get(p).normalise(new double[] {scoring.raw(p, c, chosenSoFar)})[0];
                }
            }
            double total = 0;
            for (int p = 0; p < weights.length; p++) {
                total += weights[p] * norm[p];
            }
            t = totalWeight == 0 ? 0 : total / totalWeight;
            double best = picked.get(r).score();
            if (t > best || (t == best && c < o.chosen[r]) || Double.isNaN(t)) {
                return Double.NaN;
            }
            chosenSoFar.add(o.chosen[r]);
        }
        return o.chosen.length == 0 ? o.lastTotal[Arrays.binarySearch(o.feasible, c)] : t;
    }

    /**
     * Whether two previous decisions mean the same to the standard plugins, which read only the chosen clusters
     * and their reservations (steadiness, capacity credit).
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
        return set.stream().mapToInt(Integer::intValue).toArray();
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

    // ---------------------------------------------------------------------------------------------------
    // Filters as cheap checks
    // ---------------------------------------------------------------------------------------------------

    /** The previous decision's clusters (first assignment per cluster, as {@link PlacementDecision#assignment}). */
    private record Prev(int[] at, Reservation[] reservations) {
        static final Prev NONE = new Prev(new int[0], new Reservation[0]);

        static Prev of(Optional<PlacementDecision> previous, SnapshotIndex index) {
            if (previous.isEmpty() || previous.get().chosen().isEmpty()) {
                return NONE;
            }
            var at = new ArrayList<Integer>();
            var res = new ArrayList<Reservation>();
            for (ClusterAssignment a : previous.get().chosen()) {
                int i = index.indexOrMinusOne(a.clusterId());
                if (i >= 0 && !at.contains(i)) {
                    at.add(i);
                    res.add(a.reservation());
                }
            }
            return new Prev(at.stream().mapToInt(Integer::intValue).toArray(), res.toArray(Reservation[]::new));
        }

        Reservation credit(int c) {
            for (int k = 0; k < at.length; k++) {
                if (at[k] == c) {
                    return reservations[k];
                }
            }
            return Reservation.NONE;
        }

        boolean has(int c) {
            for (int k = 0; k < at.length; k++) {
                if (at[k] == c) {
                    return true;
                }
            }
            return false;
        }
    }

    private interface Check {
        boolean admits(int c);
    }

    private record MaskCheck(boolean[] mask) implements Check {
        @Override
        public boolean admits(int c) {
            return mask[c];
        }
    }

    /** Per filter (in order), a check equivalent to {@code reject(...).isEmpty()}; masks of the static ones. */
    private record Checks(Check[] all, List<boolean[]> staticMasks, Check[] dynamic) {
        boolean admitsDynamic(int c) {
            for (Check k : dynamic) {
                if (!k.admits(c)) {
                    return false;
                }
            }
            return true;
        }

        boolean admitsAll(int c) {
            for (Check k : all) {
                if (!k.admits(c)) {
                    return false;
                }
            }
            return true;
        }
    }

    private record JurisdictionKey(AllowedJurisdictions allowed) {
    }

    private record SelectorKey(ClusterSelector selector) {
    }

    private record TolerationKey(List<Toleration> tolerations) {
    }

    private static final Object HEALTH_KEY = new Object();

    /**
     * @param ctx the context the policy is filtered in (its ledger is read, never written)
     * @param direct test the policy-independent filters on each cluster asked about instead of through cached
     *        masks (cheaper when only a few clusters are asked about)
     */
    private Checks checks(PlacementContext ctx, SnapshotIndex index, Prev prev, boolean direct) {
        List<FilterPlugin> filters = plugins.filters();
        var all = new Check[filters.size()];
        var masks = new ArrayList<boolean[]>();
        var dynamic = new ArrayList<Check>();
        CapacityLedger ledger = ctx.ledger();
        for (int f = 0; f < all.length; f++) {
            FilterPlugin filter = filters.get(f);
            boolean[] mask = null;
            if (direct && (filter instanceof JurisdictionFilter || filter instanceof HealthFilter || filter instanceof SelectorFilter
                    || filter instanceof TaintFilter)) {
                java.util.function.Predicate<ClusterState> test = staticTest(ctx, filter);
                all[f] = c -> test.test(index.clusters.get(c));
                continue;
            }
            if (filter instanceof JurisdictionFilter) {
                AllowedJurisdictions allowed = ctx.allowedJurisdictions();
                mask = index.mask(new JurisdictionKey(allowed), c -> SovereigntyGuard.permits(allowed, c));
            } else if (filter instanceof HealthFilter) {
                mask = index.mask(HEALTH_KEY, c -> c.health() == Health.READY);
            } else if (filter instanceof SelectorFilter) {
                ClusterSelector selector = ctx.policy().spec().placement().clusterSelector();
                mask = index.mask(new SelectorKey(selector), c -> selector.matches(c.labels()));
            } else if (filter instanceof TaintFilter) {
                List<Toleration> tolerations = ctx.policy().spec().workload().tolerations();
                mask = index.mask(new TolerationKey(tolerations), c -> tolerated(c, tolerations));
            }
            if (mask != null) {
                masks.add(mask);
                all[f] = new MaskCheck(mask);
                continue;
            }
            if (filter instanceof GpuFitFilter) {
                all[f] = gpuFit(ctx, index, ledger, prev);
            } else if (filter instanceof CpuMemoryFitFilter) {
                long cpu = ResourceFit.cpuNeeded(ctx);
                long memory = ResourceFit.memoryNeeded(ctx);
                all[f] = c -> {
                    CapacityLedger.Free free = ledger.free(c);
                    Reservation credit = prev.credit(c);
                    return cpu <= free.cpu + credit.cpuMillicores() && memory <= free.memory + credit.memoryBytes();
                };
            } else {
                all[f] = c -> filter.reject(ctx, index.clusters.get(c)).isEmpty();
            }
            dynamic.add(all[f]);
        }
        return new Checks(all, masks, dynamic.toArray(Check[]::new));
    }

    /** The policy-independent standard filters as a test of one cluster. */
    private static java.util.function.Predicate<ClusterState> staticTest(PlacementContext ctx, FilterPlugin filter) {
        if (filter instanceof JurisdictionFilter) {
            AllowedJurisdictions allowed = ctx.allowedJurisdictions();
            return c -> SovereigntyGuard.permits(allowed, c);
        } else if (filter instanceof HealthFilter) {
            return c -> c.health() == Health.READY;
        } else if (filter instanceof SelectorFilter) {
            ClusterSelector selector = ctx.policy().spec().placement().clusterSelector();
            return c -> selector.matches(c.labels());
        }
        List<Toleration> tolerations = ctx.policy().spec().workload().tolerations();
        return c -> tolerated(c, tolerations);
    }

    /** As {@link TaintFilter}. */
    private static boolean tolerated(ClusterState c, List<Toleration> tolerations) {
        for (Taint t : c.taints()) {
            if (t.effect() == TaintEffect.PREFER_NO_SCHEDULE) {
                continue;
            }
            if (tolerations.stream().noneMatch(tol -> tol.tolerates(t.key(), t.value(), t.effect()))) {
                return false;
            }
        }
        return true;
    }

    /** As {@link GpuFitFilter}: some pool of the model, with enough memory per GPU, has enough free GPUs. */
    private static Check gpuFit(PlacementContext ctx, SnapshotIndex index, CapacityLedger ledger, Prev prev) {
        Resources r = ResourceFit.resources(ctx);
        if (r.gpu() == 0) {
            return c -> true;
        }
        int needed = r.gpu() * ResourceFit.replicas(ctx);
        String model = r.gpuModel().orElse(null);
        int memory = r.gpuMemoryGiB();
        return c -> {
            String[] models = index.slotModel[c];
            int[] memories = index.slotMemory[c];
            int[] free = ledger.free(c).gpus;
            Reservation credit = prev.credit(c);
            for (int s = 0; s < models.length; s++) {
                if ((model != null && !model.equals(models[s])) || memories[s] < memory) {
                    continue;
                }
                int n = free[s] + (credit.gpus() > 0 && credit.gpuModel().equals(models[s]) && credit.gpuMemoryGiB() == memories[s] ? credit.gpus() : 0);
                if (n >= needed) {
                    return true;
                }
            }
            return false;
        };
    }

    // ---------------------------------------------------------------------------------------------------
    // Scores from per-snapshot columns
    // ---------------------------------------------------------------------------------------------------

    /** Raw scores of the standard plugins from {@link SnapshotIndex} columns, bit for bit as their rawScore; others as they are. */
    private final class Scoring {
        private final PlacementContext ctx;
        private final SnapshotIndex index;
        private final Prev prev;
        private final List<ScorePlugin> scores = plugins.scores();
        // latency: per demand point its weight, the measured column of its site (or null) and the estimate column (or null)
        private double[] demandWeight;
        private double[][] measured;
        private String[] demandSite;
        private double[][] estimated;
        private String[] spreadValues;

        Scoring(PlacementContext ctx, SnapshotIndex index, Prev prev) {
            this.ctx = ctx;
            this.index = index;
            this.prev = prev;
        }

        /** @param chosen cluster indices chosen so far, for selection-dependent scores */
        double raw(int p, int c, List<Integer> chosen) {
            ScorePlugin plugin = scores.get(p);
            if (plugin instanceof LatencyScore) {
                return latency(c);
            } else if (plugin instanceof LoadScore) {
                return index.loadPenalty[c];
            } else if (plugin instanceof SteadinessScore) {
                return prev.has(c) ? 1 : 0;
            } else if (plugin instanceof SpreadScore) {
                return spread(c, chosen);
            }
            return plugin.rawScore(ctx, index.clusters.get(c));
        }

        private double latency(int c) {
            if (demandWeight == null) {
                List<DemandPoint> demand = ctx.policy().spec().placement().demand();
                demandWeight = new double[demand.size()];
                measured = new double[demand.size()][];
                demandSite = new String[demand.size()];
                estimated = new double[demand.size()][];
                for (int d = 0; d < demand.size(); d++) {
                    DemandPoint point = demand.get(d);
                    demandWeight[d] = point.weight();
                    demandSite[d] = point.site().orElse(null);
                    measured[d] = demandSite[d] == null ? null : index.measured(demandSite[d]);
                    GeoPoint from = point.location(ctx.sites()).orElse(null);
                    estimated[d] = from == null ? null : index.estimated(from);
                }
            }
            double sum = 0;
            double weights = 0;
            for (int d = 0; d < demandWeight.length; d++) {
                double ms;
                double m = measured[d] == null ? Double.NaN : measured[d][c];
                if (!Double.isNaN(m)) {
                    ms = m;
                } else if (measured[d] != null && index.clusters.get(c).rttMsBySite().get(demandSite[d]) != null) {
                    ms = index.clusters.get(c).rttMsBySite().get(demandSite[d]); // a measured NaN
                } else if (estimated[d] == null) {
                    continue; // a site the catalog no longer knows: it says nothing about this cluster
                } else {
                    ms = estimated[d][c];
                }
                sum += demandWeight[d] * ms;
                weights += demandWeight[d];
            }
            return weights == 0 ? 0 : sum / weights;
        }

        private double spread(int c, List<Integer> chosen) {
            Optional<String> key = ctx.policy().spec().placement().spreadBy();
            if (key.isEmpty()) {
                return 0;
            }
            if (spreadValues == null) {
                spreadValues = index.labelValues(key.get());
            }
            String value = spreadValues[c];
            int count = 0;
            for (int x : chosen) {
                if (spreadValues[x].equals(value)) {
                    count++;
                }
            }
            return count;
        }
    }
}
