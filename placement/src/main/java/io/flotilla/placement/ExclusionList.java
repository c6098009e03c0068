package io.flotilla.placement;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.RandomAccess;

/**
 * A decision's excluded clusters (every cluster not chosen, in id order), formatted when read. Placement only
 * records which clusters were feasible and their last score; a filter's reason is asked, on demand, of the same
 * prepared filters the engine decided with, which read the context the policy was filtered in (the same snapshot
 * and a frozen copy of the capacity ledger at that moment), so it reads exactly as if it had been built eagerly.
 * Immutable; elements are built anew on each read.
 */
final class ExclusionList extends AbstractList<ClusterExclusion> implements RandomAccess {

    private final PlacementContext context;
    private final PreparedFilters filters;
    private final int[] chosen;
    private final int[] feasible;
    private final double[] lastTotal;
    private final int maxClusters;

    /**
     * @param context the policy's context with a frozen ledger (state before its own reservations)
     * @param filters the filters the engine decided with, prepared in {@code context}
     * @param chosen indices of the chosen clusters, ascending
     * @param feasible indices of the clusters that passed every filter, ascending
     * @param lastTotal each feasible cluster's total in the last selection round (parallel to feasible)
     */
    ExclusionList(PlacementContext context, PreparedFilters filters, int[] chosen, int[] feasible, double[] lastTotal, int maxClusters) {
        this.context = context;
        this.filters = filters;
        this.chosen = chosen;
        this.feasible = feasible;
        this.lastTotal = lastTotal;
        this.maxClusters = maxClusters;
    }

    @Override
    public int size() {
        return context.snapshot().clusters().size() - chosen.length;
    }

    @Override
    public ClusterExclusion get(int position) {
        if (position < 0 || position >= size()) {
            throw new IndexOutOfBoundsException(position);
        }
        int i = position;
        for (int c : chosen) { // ascending: skip every chosen index at or before the candidate
            if (c <= i) {
                i++;
            } else {
                break;
            }
        }
        return exclusion(i);
    }

    /** The exclusion of the cluster at snapshot index {@code i}, which must not be a chosen one. */
    private ClusterExclusion exclusion(int i) {
        ClusterState c = context.snapshot().clusters().get(i);
        int f = Arrays.binarySearch(feasible, i);
        if (f >= 0) {
            return new ClusterExclusion(c.id(), List.of(new ClusterExclusion.Reason("rank",
                    String.format(Locale.ROOT, "ranked below maxClusters cut (score %.1f, maxClusters %d)", lastTotal[f], maxClusters))));
        }
        return new ClusterExclusion(c.id(), filters.reasons(i));
    }

    /**
     * Per reason source, how many clusters were left out with a reason from it, from the checks the engine decided
     * with: no reason is formatted.
     */
    java.util.SortedMap<String, Integer> countBySource() {
        var counts = new java.util.TreeMap<String, Integer>();
        int size = context.snapshot().clusters().size();
        int next = 0;
        for (int i = 0; i < size; i++) {
            if (next < chosen.length && chosen[next] == i) {
                next++;
                continue;
            }
            for (String source : filters.sources(feasible, i)) {
                counts.merge(source, 1, Integer::sum);
            }
        }
        return counts;
    }

    /** The exclusion of {@code clusterId}, without building the others. */
    Optional<ClusterExclusion> find(String clusterId) {
        List<ClusterState> clusters = context.snapshot().clusters();
        int lo = 0;
        int hi = clusters.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int cmp = clusters.get(mid).id().compareTo(clusterId);
            if (cmp < 0) {
                lo = mid + 1;
            } else if (cmp > 0) {
                hi = mid - 1;
            } else {
                return Arrays.binarySearch(chosen, mid) >= 0 ? Optional.empty() : Optional.of(exclusion(mid));
            }
        }
        return Optional.empty();
    }
}
