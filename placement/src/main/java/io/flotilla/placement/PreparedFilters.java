package io.flotilla.placement;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Every filter of a run prepared for one policy, in order: what the engine decides with and what a decision's
 * explanations are read from. The filters that come as cached masks give the candidate list; the others run on it.
 */
final class PreparedFilters {

    private final String[] names;
    private final PreparedFilter[] all;
    private final PreparedFilter[] dynamic;
    private final List<boolean[]> masks;

    PreparedFilters(List<FilterPlugin> filters, PlacementContext context) {
        names = new String[filters.size()];
        all = new PreparedFilter[filters.size()];
        masks = new ArrayList<>(filters.size());
        var rest = new ArrayList<PreparedFilter>(filters.size());
        for (int f = 0; f < all.length; f++) {
            names[f] = filters.get(f).name();
            all[f] = filters.get(f).prepare(context);
            boolean[] mask = all[f].mask();
            if (mask != null) {
                masks.add(mask);
            } else {
                rest.add(all[f]);
            }
        }
        dynamic = rest.toArray(PreparedFilter[]::new);
    }

    /** The clusters (ascending) that pass every filter. */
    int[] feasible(SnapshotIndex index) {
        int[] candidates = index.candidates(masks);
        int[] feasible = new int[candidates.length];
        int n = 0;
        for (int c : candidates) {
            if (admitsDynamic(c)) {
                feasible[n++] = c;
            }
        }
        return Arrays.copyOf(feasible, n);
    }

    private boolean admitsDynamic(int c) {
        for (PreparedFilter f : dynamic) {
            if (!f.admits(c)) {
                return false;
            }
        }
        return true;
    }

    boolean admitsAll(int c) {
        for (PreparedFilter f : all) {
            if (!f.admits(c)) {
                return false;
            }
        }
        return true;
    }

    /** The distinct sources of the reasons cluster {@code i} (not chosen) is left out for: "rank" when feasible. */
    LinkedHashSet<String> sources(int[] feasible, int i) {
        var out = new LinkedHashSet<String>(2);
        if (Arrays.binarySearch(feasible, i) >= 0) {
            out.add("rank");
            return out;
        }
        for (int f = 0; f < all.length; f++) {
            if (!all[f].admits(i)) {
                out.add(names[f]);
            }
        }
        return out;
    }

    /** Every filter's reason for leaving cluster {@code i} out. */
    List<ClusterExclusion.Reason> reasons(int i) {
        var out = new ArrayList<ClusterExclusion.Reason>(2);
        for (int f = 0; f < all.length; f++) {
            if (!all[f].admits(i)) {
                out.add(new ClusterExclusion.Reason(names[f], all[f].rejection(i).message()));
            }
        }
        return out;
    }
}
