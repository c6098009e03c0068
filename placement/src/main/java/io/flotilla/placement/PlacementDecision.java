package io.flotilla.placement;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where one policy runs: the chosen clusters best first, every other cluster of the snapshot with its
 * reasons (by cluster id), and, when fewer than minClusters could be chosen, why.
 */
public record PlacementDecision(String policyName, List<ClusterAssignment> chosen, List<ClusterExclusion> excluded, Optional<String> shortfall) {
    public PlacementDecision {
        Objects.requireNonNull(policyName, "policyName");
        chosen = List.copyOf(chosen);
        excluded = excluded instanceof ExclusionList ? excluded : List.copyOf(excluded); // immutable, formatted on demand
        Objects.requireNonNull(shortfall, "shortfall");
    }

    /** Whether at least minClusters clusters were chosen. */
    public boolean satisfied() {
        return shortfall.isEmpty();
    }

    public Optional<ClusterAssignment> assignment(String clusterId) {
        return chosen.stream().filter(a -> a.clusterId().equals(clusterId)).findFirst();
    }

    /**
     * Per reason source (a filter's name, or {@code rank} for the maxClusters cut), how many clusters were left out
     * with a reason from it; a cluster left out for two reasons counts under both. Cheaper than reading every
     * exclusion: the reasons are not formatted.
     */
    public java.util.SortedMap<String, Integer> excludedBySource() {
        if (excluded instanceof ExclusionList lazy) {
            return lazy.countBySource();
        }
        var counts = new java.util.TreeMap<String, Integer>();
        excluded.forEach(e -> e.reasons().stream().map(ClusterExclusion.Reason::source).distinct()
                .forEach(s -> counts.merge(s, 1, Integer::sum)));
        return counts;
    }

    public Optional<ClusterExclusion> exclusion(String clusterId) {
        if (excluded instanceof ExclusionList lazy) {
            return lazy.find(clusterId);
        }
        return excluded.stream().filter(e -> e.clusterId().equals(clusterId)).findFirst();
    }
}
