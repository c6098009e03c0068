package io.flotilla.controlplane.policy;

import io.flotilla.placement.ClusterAssignment;
import io.flotilla.placement.ClusterExclusion;
import io.flotilla.placement.PlacementDecision;
import io.flotilla.placement.Reservation;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A {@link PlacementDecision} as stored and shown: with each cluster's jurisdiction as it was when the
 * decision was made, so that an explanation reads the same later.
 *
 * <p>Every chosen cluster is kept; of the clusters left out, the first {@value #EXCLUDED_KEPT} by cluster id
 * with their reasons, and for all of them how many and how many per reason's source (the filter, or {@code rank}
 * for the maxClusters cut), as kube-scheduler sums up "0/5000 nodes are available". A fleet of 10,000 clusters
 * would otherwise store and re-read thousands of reasons per policy at every placement run.
 *
 * @param excludedTotal every cluster left out, listed or not
 * @param excludedBySource per reason source, the clusters left out with a reason from it (a cluster left out for
 *        two reasons counts under both)
 */
public record StoredDecision(List<Chosen> chosen, List<Excluded> excluded, int excludedTotal,
        SortedMap<String, Integer> excludedBySource, String shortfall) {

    /** The clusters left out that a decision lists with their reasons; the rest are counted. */
    public static final int EXCLUDED_KEPT = 100;

    public record Chosen(String cluster, String jurisdiction, int replicas, double score, Map<String, Double> scores,
            Reservation reservation) {
    }

    public record Excluded(String cluster, String jurisdiction, List<ClusterExclusion.Reason> reasons) {
    }

    /** Decisions stored before the counts existed list every cluster left out: they are counted from the list. */
    public StoredDecision {
        chosen = List.copyOf(chosen);
        excluded = List.copyOf(excluded);
        if (excludedBySource == null) {
            excludedBySource = bySource(excluded.stream().map(Excluded::reasons).toList());
        }
        excludedBySource = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(excludedBySource));
        excludedTotal = Math.max(excludedTotal, excluded.size());
    }

    public static StoredDecision of(PlacementDecision d, Map<String, String> jurisdictionByCluster) {
        return new StoredDecision(
                d.chosen().stream().map(a -> new Chosen(a.clusterId(), jurisdictionByCluster.get(a.clusterId()), a.replicas(),
                        a.score(), a.breakdown(), a.reservation())).toList(),
                d.excluded().stream().limit(EXCLUDED_KEPT).map(e -> new Excluded(e.clusterId(),
                        jurisdictionByCluster.get(e.clusterId()), e.reasons())).toList(),
                d.excluded().size(),
                d.excludedBySource(),
                d.shortfall().orElse(null));
    }

    private static SortedMap<String, Integer> bySource(List<List<ClusterExclusion.Reason>> reasonsPerCluster) {
        var counts = new TreeMap<String, Integer>();
        for (List<ClusterExclusion.Reason> reasons : reasonsPerCluster) {
            reasons.stream().map(ClusterExclusion.Reason::source).distinct().forEach(s -> counts.merge(s, 1, Integer::sum));
        }
        return counts;
    }

    /** The decision for the placement engine's next run, which reads only the chosen clusters of the one before. */
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
