package io.flotilla.controlplane.policy;

import io.flotilla.placement.ClusterAssignment;
import io.flotilla.placement.ClusterExclusion;
import io.flotilla.placement.PlacementDecision;
import io.flotilla.placement.Reservation;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link PlacementDecision} as stored and shown: with each cluster's jurisdiction as it was when the
 * decision was made, so that an explanation reads the same later.
 */
public record StoredDecision(List<Chosen> chosen, List<Excluded> excluded, String shortfall) {

    public record Chosen(String cluster, String jurisdiction, int replicas, double score, Map<String, Double> scores,
            Reservation reservation) {
    }

    public record Excluded(String cluster, String jurisdiction, List<ClusterExclusion.Reason> reasons) {
    }

    public static StoredDecision of(PlacementDecision d, Map<String, String> jurisdictionByCluster) {
        return new StoredDecision(
                d.chosen().stream().map(a -> new Chosen(a.clusterId(), jurisdictionByCluster.get(a.clusterId()), a.replicas(),
                        a.score(), a.breakdown(), a.reservation())).toList(),
                d.excluded().stream().map(e -> new Excluded(e.clusterId(), jurisdictionByCluster.get(e.clusterId()),
                        e.reasons())).toList(),
                d.shortfall().orElse(null));
    }

    public PlacementDecision toDecision(String policyName) {
        return new PlacementDecision(policyName,
                chosen.stream().map(c -> new ClusterAssignment(c.cluster(), c.replicas(), c.score(), c.scores(), c.reservation())).toList(),
                excluded.stream().map(e -> new ClusterExclusion(e.cluster(), e.reasons())).toList(),
                Optional.ofNullable(shortfall));
    }

    public boolean satisfied() {
        return shortfall == null;
    }
}
