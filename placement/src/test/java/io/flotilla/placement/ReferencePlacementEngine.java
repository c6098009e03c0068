package io.flotilla.placement;

import io.flotilla.policy.AllowedJurisdictions;
import io.flotilla.policy.FleetPolicy;
import io.flotilla.policy.JurisdictionCatalog;
import io.flotilla.policy.Sites;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The straightforward engine as it was before it was made fast, kept as an oracle for
 * {@link PlacementEngineMatchesReferenceTest}. Decides, for every policy, which clusters run it and why every
 * other cluster does not. Pure and
 * deterministic: policies are placed in name order against one capacity ledger, clusters are considered in
 * id order, and ties go to the smaller cluster id. See placement/DESIGN.md.
 */
final class ReferencePlacementEngine {

    private final JurisdictionCatalog jurisdictions;
    private final Sites sites;
    private final PlacementPlugins plugins;

    ReferencePlacementEngine(JurisdictionCatalog jurisdictions, Sites sites, PlacementPlugins plugins) {
        this.jurisdictions = jurisdictions;
        this.sites = sites;
        this.plugins = plugins;
    }

    ReferencePlacementEngine(JurisdictionCatalog jurisdictions, Sites sites) {
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
        var ledger = new CapacityLedger(snapshot);
        var decisions = new ArrayList<PlacementDecision>();
        for (FleetPolicy policy : ordered) {
            AllowedJurisdictions allowed = jurisdictions.allowed(policy.spec().placement().jurisdictions());
            var ctx = new PlacementContext(snapshot, policy, allowed, sites, ledger, previous.decision(policy.name()));
            decisions.add(placeOne(ctx, ledger));
        }
        return new PlacementResult(decisions);
    }

    private PlacementDecision placeOne(PlacementContext ctx, CapacityLedger ledger) {
        FleetSnapshot snapshot = ctx.snapshot();
        var feasible = new ArrayList<ClusterState>();
        var reasons = new TreeMap<String, List<ClusterExclusion.Reason>>();
        for (ClusterState c : snapshot.clusters()) {
            var failed = new ArrayList<ClusterExclusion.Reason>();
            for (FilterPlugin f : plugins.filters()) {
                f.reject(ctx, c).ifPresent(r -> failed.add(new ClusterExclusion.Reason(f.name(), r)));
            }
            if (failed.isEmpty()) {
                feasible.add(c);
            } else {
                reasons.put(c.id(), failed);
            }
        }

        List<ScorePlugin> scores = plugins.scores();
        int n = feasible.size();
        double[][] normalised = new double[scores.size()][];
        for (int p = 0; p < scores.size(); p++) {
            if (!scores.get(p).dependsOnSelection()) {
                normalised[p] = scores.get(p).normalise(raw(scores.get(p), ctx, feasible));
            }
        }
        double totalWeight = scores.stream().mapToDouble(plugins::weight).sum();

        int maxClusters = ctx.policy().spec().placement().maxClusters();
        boolean[] taken = new boolean[n];
        double[] lastTotal = new double[n];
        var chosenStates = new ArrayList<ClusterState>();
        var chosen = new ArrayList<ClusterAssignment>();
        while (chosen.size() < maxClusters && chosen.size() < n) {
            ctx.setChosen(chosenStates);
            for (int p = 0; p < scores.size(); p++) {
                if (scores.get(p).dependsOnSelection()) {
                    normalised[p] = scores.get(p).normalise(raw(scores.get(p), ctx, feasible));
                }
            }
            int best = -1;
            for (int i = 0; i < n; i++) {
                if (taken[i]) {
                    continue;
                }
                double total = 0;
                for (int p = 0; p < scores.size(); p++) {
                    total += plugins.weight(scores.get(p)) * normalised[p][i];
                }
                lastTotal[i] = totalWeight == 0 ? 0 : total / totalWeight;
                // feasible is in id order, so a strict comparison keeps the smaller id on ties
                if (best < 0 || lastTotal[i] > lastTotal[best]) {
                    best = i;
                }
            }
            ClusterState c = feasible.get(best);
            taken[best] = true;
            Map<String, Double> breakdown = new LinkedHashMap<>();
            for (int p = 0; p < scores.size(); p++) {
                breakdown.put(scores.get(p).name(), normalised[p][best]);
            }
            Reservation reservation = ResourceFit.reservation(ctx, c);
            ledger.reserve(c.id(), reservation, ctx.previousReservation(c.id()));
            chosenStates.add(c);
            chosen.add(new ClusterAssignment(c.id(), ResourceFit.replicas(ctx), lastTotal[best], breakdown, reservation));
        }
        for (int i = 0; i < n; i++) {
            if (!taken[i]) {
                reasons.put(feasible.get(i).id(), List.of(new ClusterExclusion.Reason("rank",
                        String.format(Locale.ROOT, "ranked below maxClusters cut (score %.1f, maxClusters %d)", lastTotal[i], maxClusters))));
            }
        }
        var excluded = reasons.entrySet().stream().map(e -> new ClusterExclusion(e.getKey(), e.getValue())).toList();
        return new PlacementDecision(ctx.policy().name(), chosen, excluded, shortfall(ctx, chosen.size(), excluded));
    }

    private static double[] raw(ScorePlugin plugin, PlacementContext ctx, List<ClusterState> clusters) {
        double[] raw = new double[clusters.size()];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = plugin.rawScore(ctx, clusters.get(i));
        }
        return raw;
    }

    private static Optional<String> shortfall(PlacementContext ctx, int chosen, List<ClusterExclusion> excluded) {
        int min = ctx.policy().spec().placement().minClusters();
        if (chosen >= min) {
            return Optional.empty();
        }
        var byFilter = new TreeMap<String, Integer>();
        for (ClusterExclusion e : excluded) {
            e.reasons().stream().map(ClusterExclusion.Reason::source).distinct().forEach(s -> byFilter.merge(s, 1, Integer::sum));
        }
        var sb = new StringBuilder("only ").append(chosen).append(" of minClusters ").append(min).append(" clusters fit");
        if (ctx.snapshot().clusters().isEmpty()) {
            sb.append(": the fleet has no clusters");
        } else if (!byFilter.isEmpty()) {
            sb.append(" (of ").append(ctx.snapshot().clusters().size()).append(" clusters, excluded by ");
            byFilter.forEach((k, v) -> sb.append(k).append(": ").append(v).append(", "));
            sb.setLength(sb.length() - 2);
            sb.append(")");
        }
        return Optional.of(sb.toString());
    }
}
