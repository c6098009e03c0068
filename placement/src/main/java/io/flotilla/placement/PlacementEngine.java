package io.flotilla.placement;

import io.flotilla.policy.AllowedJurisdictions;
import io.flotilla.policy.FleetPolicy;
import io.flotilla.policy.JurisdictionCatalog;
import io.flotilla.policy.Placement;
import io.flotilla.policy.Sites;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Decides, for every policy, which clusters run it and why every other cluster does not. Pure and
 * deterministic: policies are placed in name order against one capacity ledger, clusters are considered in
 * id order, and ties go to the smaller cluster id.
 *
 * <p>The engine is the loop; its {@link PlacementPlugins} decide. Per policy: prepare every filter and score
 * against the snapshot's index, filter (the filters that come as cached masks give the candidates, the others
 * run on those), score and normalise, select greedily, and explain with the same prepared filters. What it
 * knows of a plugin is what the plugin declares. When only a few clusters changed since the last run, an
 * {@link IncrementalRun} starts from that run. See placement/DESIGN.md.
 */
public final class PlacementEngine {

    /** From this many picks on, a policy whose scores do not depend on the picks ranks its clusters once. */
    private static final int RANK_ONCE_FROM = 32;

    private final JurisdictionCatalog jurisdictions;
    final Sites sites;
    final List<FilterPlugin> filters;
    final List<ScorePlugin> scores;
    private final double[] weights;
    private final double totalWeight;
    /** Every filter decides per cluster and every score scores per cluster: a run may start from the last. */
    private final boolean incrementalCapable;
    final boolean filtersReadCapacity;
    final boolean scoresReadCapacity;
    /** The last run, to start the next one from. Results never depend on it. */
    private volatile IncrementalRun.Run last;

    public PlacementEngine(JurisdictionCatalog jurisdictions, Sites sites, PlacementPlugins plugins) {
        this.jurisdictions = jurisdictions;
        this.sites = sites;
        this.filters = plugins.filters();
        this.scores = plugins.scores();
        this.incrementalCapable = filters.stream().allMatch(FilterPlugin::decidesPerCluster)
                && scores.stream().allMatch(ScorePlugin::scoresPerCluster);
        this.filtersReadCapacity = filters.stream().anyMatch(FilterPlugin::readsCapacity);
        this.scoresReadCapacity = scores.stream().anyMatch(ScorePlugin::readsCapacity);
        this.weights = scores.stream().mapToDouble(plugins::weight).toArray();
        this.totalWeight = scores.stream().mapToDouble(plugins::weight).sum();
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
        IncrementalRun.Run before = last;
        IncrementalRun.Run run = before != null && incrementalCapable
                ? new IncrementalRun(this, before).place(snapshot, ordered, previousDecisions) : null;
        if (run == null) {
            SnapshotIndex index = before != null && before.index().snapshot == snapshot ? before.index() : SnapshotIndex.of(snapshot);
            run = full(index, ordered, previousDecisions);
        }
        last = run;
        return run.result();
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

    /** How the last {@link #place} went; null before the first. */
    public RunStats lastRunStats() {
        IncrementalRun.Run run = last;
        return run == null ? null : run.stats();
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

    private IncrementalRun.Run full(SnapshotIndex index, List<FleetPolicy> ordered, List<Optional<PlacementDecision>> previous) {
        var ledger = new CapacityLedger(index);
        CapacityLedger initial = ledger.frozen();
        var allowedByList = new HashMap<List<String>, AllowedJurisdictions>();
        var runs = new IncrementalRun.PolicyRun[ordered.size()];
        var decisions = new ArrayList<PlacementDecision>(ordered.size());
        for (int p = 0; p < runs.length; p++) {
            FleetPolicy policy = ordered.get(p);
            AllowedJurisdictions allowed = allowedByList.computeIfAbsent(policy.spec().placement().jurisdictions(), jurisdictions::allowed);
            runs[p] = placeOne(context(policy, allowed, ledger, previous.get(p)));
            decisions.add(runs[p].decision());
        }
        return new IncrementalRun.Run(index, ordered, initial, runs, new PlacementResult(decisions), new RunStats(false, 0, runs.length));
    }

    /** A policy's live context: it reads and is placed against {@code ledger}. */
    PlacementContext context(FleetPolicy policy, AllowedJurisdictions allowed, CapacityLedger ledger, Optional<PlacementDecision> previous) {
        return new PlacementContext(policy, allowed, sites, ledger, previous, PreviousChoice.of(previous, ledger.index), false);
    }

    /** One policy from scratch: prepare, filter, score, select, explain; its reservations go into the live context's ledger. */
    IncrementalRun.PolicyRun placeOne(PlacementContext live) {
        CapacityLedger ledger = live.ledger();
        SnapshotIndex index = live.index();
        CapacityLedger before = ledger.frozen();
        PlacementContext frozen = live.with(before, false);
        Placement placement = live.policy().spec().placement();
        var checks = new PreparedFilters(filters, frozen);
        int[] feasible = checks.feasible(index);
        int n = feasible.length;

        int maxClusters = placement.maxClusters();
        int[] picks = new int[Math.min(maxClusters, n)];
        var chosenAfter = new CapacityLedger.Free[picks.length];
        var chosen = new ArrayList<ClusterAssignment>(picks.length);
        double[] lastTotal = new double[n];
        if (n > 0) {
            var scoring = new Scoring(live, feasible);
            boolean[] taken = new boolean[n];
            // no score depends on the picks so far: every round would rank the same totals, so for many picks rank them
            // once; a few rounds (most policies pick up to a handful of clusters) cost less than the sort
            int[] ranked = scoring.anyVaries || picks.length <= RANK_ONCE_FROM ? null : scoring.ranked(lastTotal);
            var chosenStates = new ArrayList<ClusterState>(picks.length);
            for (int k = 0; k < picks.length; k++) {
                int best = ranked != null ? ranked[k] : scoring.bestOfRound(picks, k, chosenStates, taken, lastTotal);
                int ci = feasible[best];
                ClusterState c = index.clusters.get(ci);
                taken[best] = true;
                Map<String, Double> breakdown = new LinkedHashMap<>();
                for (int p = 0; p < scores.size(); p++) {
                    breakdown.put(scores.get(p).name(), scoring.normalised[p][best]);
                }
                Reservation reservation = ResourceFit.reservation(live, c);
                ledger.reserve(ci, reservation, live.previousReservation(ci));
                picks[k] = ci;
                chosenStates.add(c);
                chosenAfter[k] = ledger.free(ci);
                chosen.add(new ClusterAssignment(c.id(), ResourceFit.replicas(live), lastTotal[best], breakdown, reservation));
            }
        }
        int[] sortedPicks = picks.clone();
        Arrays.sort(sortedPicks);
        var excluded = new ExclusionList(frozen, checks, sortedPicks, feasible, lastTotal, maxClusters);
        TreeMap<String, Integer> counts = null;
        Optional<String> shortfall = Optional.empty();
        if (chosen.size() < placement.minClusters()) {
            counts = new TreeMap<>(excluded.countBySource());
            shortfall = Optional.of(shortfall(placement.minClusters(), chosen.size(), index.size, counts));
        }
        var decision = new PlacementDecision(live.policy().name(), chosen, excluded, shortfall);
        return new IncrementalRun.PolicyRun(live.policy(), live.allowedJurisdictions(), live.previous(), live.previousChoice(), before,
                picks, chosenAfter, feasible, lastTotal, counts, decision);
    }

    static String shortfall(int min, int chosen, int clusters, TreeMap<String, Integer> byFilter) {
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

    /** Σ weight × normalised score / Σ weight. */
    double total(double[] normalised) {
        double sum = 0;
        for (int p = 0; p < weights.length; p++) {
            sum += weights[p] * normalised[p];
        }
        return totalWeight == 0 ? 0 : sum / totalWeight;
    }

    /** The scores prepared for one policy, and their normalised values per feasible cluster. */
    final class Scoring {
        private final PlacementContext live;
        private final int[] feasible;
        private final ScoreColumn[] columns;
        private final boolean[] varies;
        final double[][] normalised;
        final boolean anyVaries;

        /** @param feasible cluster indices, ascending; only {@link #normalisedAt} is asked when it is null */
        Scoring(PlacementContext live, int[] feasible) {
            this.live = live;
            this.feasible = feasible;
            columns = new ScoreColumn[scores.size()];
            varies = new boolean[scores.size()];
            normalised = new double[scores.size()][];
            boolean any = false;
            for (int p = 0; p < columns.length; p++) {
                columns[p] = scores.get(p).prepare(live);
                varies[p] = scores.get(p).dependsOnSelection(live);
                any |= varies[p];
                if (!varies[p] && feasible != null) {
                    normalised[p] = column(p, null, 0);
                }
            }
            anyVaries = any;
        }

        private double[] column(int p, int[] chosen, int chosenCount) {
            double[] raw = new double[feasible.length];
            for (int i = 0; i < raw.length; i++) {
                raw[i] = columns[p].raw(feasible[i], chosen, chosenCount);
            }
            return scores.get(p).normalise(raw);
        }

        /** Fills {@code total} with each feasible cluster's total and returns the positions best first, the smaller id on ties. */
        int[] ranked(double[] total) {
            int n = feasible.length;
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) {
                total[i] = totalAt(i);
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> total[a] != total[b] ? Double.compare(total[b], total[a]) : Integer.compare(a, b));
            int[] out = new int[n];
            for (int i = 0; i < n; i++) {
                out[i] = order[i];
            }
            return out;
        }

        /** One selection round: the scores that depend on the first {@code k} picks computed again, and the best position not taken. */
        int bestOfRound(int[] picks, int k, List<ClusterState> chosenStates, boolean[] taken, double[] lastTotal) {
            if (anyVaries) {
                live.setChosen(chosenStates);
                for (int p = 0; p < columns.length; p++) {
                    if (varies[p]) {
                        normalised[p] = column(p, picks, k);
                    }
                }
            }
            int best = -1;
            for (int i = 0; i < feasible.length; i++) {
                if (taken[i]) {
                    continue;
                }
                lastTotal[i] = totalAt(i);
                // feasible is in id order, so a strict comparison keeps the smaller id on ties
                if (best < 0 || lastTotal[i] > lastTotal[best]) {
                    best = i;
                }
            }
            return best;
        }

        private double totalAt(int i) {
            double sum = 0;
            for (int p = 0; p < weights.length; p++) {
                sum += weights[p] * normalised[p][i];
            }
            return totalWeight == 0 ? 0 : sum / totalWeight;
        }

        /**
         * Cluster {@code c}'s total had it been ranked after the first {@code k} of {@code picks} (their states in
         * the context's chosen clusters), for scores that score per cluster ({@link ScorePlugin#scoresPerCluster}).
         */
        double totalOf(int c, int[] picks, int k) {
            double[] one = new double[columns.length];
            for (int p = 0; p < columns.length; p++) {
                one[p] = scores.get(p).normalise(new double[] {columns[p].raw(c, picks, k)})[0];
            }
            return total(one);
        }
    }
}
