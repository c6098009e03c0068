package io.flotilla.controlplane.api;

import io.flotilla.controlplane.policy.PolicyService;
import io.flotilla.controlplane.policy.StoredDecision;
import io.flotilla.placement.ClusterExclusion;
import io.flotilla.placement.routing.RouteCandidate;
import io.flotilla.placement.routing.RouteDecision;
import io.flotilla.policy.FleetPolicy;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The API's view of policies, placements and routes: DTO records. */
public final class PolicyViews {

    private PolicyViews() {
    }

    /** @param warnings what is valid but probably a mistake, each as {@code file:line:column: warning: path: message} */
    public record ApplyView(boolean dryRun, List<AppliedView> results, List<String> warnings) {
    }

    /** @param action created, updated or unchanged; @param diff unified diff against the current revision, empty when unchanged */
    public record AppliedView(String name, String action, long revision, String diff, PlacementView placement) {
    }

    public record PolicySummaryView(String name, long revision, String alias, String model, List<String> jurisdictions,
            Instant updatedAt, int chosenClusters, boolean satisfied) {
    }

    public record PolicyView(String name, long revision, String yaml, Instant updatedAt) {
    }

    /** @param appliedBy the name of the API token that applied the revision */
    public record RevisionSummaryView(long revision, Instant createdAt, String appliedBy, String diff) {
    }

    public record RevisionView(String name, long revision, String yaml, Instant createdAt, String appliedBy) {
    }

    public record DeletedView(String name, boolean deleted) {
    }

    /**
     * @param reason why fewer than minClusters clusters were chosen; null when satisfied
     * @param excluded the first clusters left out by cluster id (at most {@link StoredDecision#EXCLUDED_KEPT}), with reasons
     * @param excludedTotal every cluster left out
     * @param excludedBySource per reason source (a filter, or rank), the clusters left out with a reason from it
     */
    public record PlacementView(String policy, long revision, boolean satisfied, String reason, List<ChosenView> chosen,
            List<ExcludedView> excluded, int excludedTotal, Map<String, Integer> excludedBySource) {
    }

    /** @param scores each scorer's normalised score, 0..100 */
    public record ChosenView(String cluster, String jurisdiction, int replicas, double score, Map<String, Double> scores) {
    }

    public record ExcludedView(String cluster, String jurisdiction, List<String> reasons) {
    }

    /** @param notes what live load changed in the ranking, e.g. a cluster skipped for its queue */
    public record RouteView(String model, List<CandidateView> candidates, String reason, List<String> notes) {
    }

    /** @param liveLoadMs the queueing and KV-cache estimate from live load; @param waiting -1 when no live load is known */
    public record CandidateView(String cluster, String jurisdiction, double estimatedLatencyMs, double networkLatencyMs,
            double loadPenaltyMs, boolean measured, String endpoint, String policy, double liveLoadMs, double waiting) {
    }

    static AppliedView of(PolicyService.Applied a) {
        return new AppliedView(a.name(), a.action().name().toLowerCase(Locale.ROOT), a.revision(), a.diff(),
                placement(a.name(), a.revision(), a.placement()));
    }

    static PolicySummaryView summary(PolicyService.CurrentPolicy p) {
        FleetPolicy policy = p.policy();
        return new PolicySummaryView(p.name(), p.revision(), policy.spec().routing().alias(), policy.spec().workload().model(),
                policy.spec().placement().jurisdictions(), p.updatedAt(),
                p.placement().map(d -> d.chosen().size()).orElse(0), p.placement().map(StoredDecision::satisfied).orElse(false));
    }

    static PlacementView placement(PolicyService.CurrentPolicy p) {
        return placement(p.name(), p.revision(), p.placement().orElse(null));
    }

    static PlacementView placement(String name, long revision, StoredDecision d) {
        if (d == null) {
            return new PlacementView(name, revision, false, "not placed yet", List.of(), List.of(), 0, Map.of());
        }
        return new PlacementView(name, revision, d.satisfied(), d.shortfall(),
                d.chosen().stream().map(c -> new ChosenView(c.cluster(), c.jurisdiction(), c.replicas(), round(c.score()),
                        rounded(c.scores()))).toList(),
                d.excluded().stream().map(e -> new ExcludedView(e.cluster(), e.jurisdiction(),
                        e.reasons().stream().map(ClusterExclusion.Reason::message).toList())).toList(),
                d.excludedTotal(), d.excludedBySource());
    }

    static RouteView route(RouteDecision d) {
        return new RouteView(d.alias(), d.candidates().stream().map(PolicyViews::candidate).toList(), d.reason().orElse(null),
                d.notes());
    }

    private static CandidateView candidate(RouteCandidate c) {
        return new CandidateView(c.clusterId(), c.jurisdiction(), round(c.estimatedLatencyMs()), round(c.networkLatencyMs()),
                round(c.loadPenaltyMs()), c.measured(), c.endpoint(), c.policyName(), round(c.liveLoadMs()), c.waiting());
    }

    private static Map<String, Double> rounded(Map<String, Double> scores) {
        var out = new LinkedHashMap<String, Double>();
        scores.forEach((k, v) -> out.put(k, round(v)));
        return out;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
