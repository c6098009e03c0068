package io.flotilla.placement.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Re-ranks the nearest candidates of one query by live load, then applies session affinity. Works in place on
 * the query's {@link Router.TopK} (a handful of entries), allocating nothing unless there is something to say.
 *
 * <ol>
 * <li>Each candidate's score becomes network + snapshot load penalty + {@link LoadScore#liveMs}.</li>
 * <li>A candidate with more than its policy's {@code maxQueue} requests waiting goes after every candidate with
 *     room (it stays in the list, last, for failover); when none has room, the least loaded (fewest waiting)
 *     comes first rather than refusing.</li>
 * <li>The preferred (affine) cluster moves to the front if it has room and its score is within the
 *     {@link AffinitySlack} of the best; otherwise affinity breaks and the request goes to the best.</li>
 * </ol>
 */
final class LiveRanking {

    private LiveRanking() {
    }

    /** @return notes for the explanation: clusters skipped for their queue, affinity kept or broken */
    static List<String> apply(Router.TopK top, LiveLoads live, String preferred, AffinitySlack slack) {
        int roomy = 0;
        for (int i = 0; i < top.size; i++) {
            Router.Entry e = top.entries[i];
            LiveLoad load = live.of(e.id, e.policyName);
            double ms = LoadScore.liveMs(load, e.loadWeight, e.cacheWeight);
            top.liveMs[i] = ms;
            top.totals[i] = top.networks[i] + e.penaltyMs + ms;
            top.waiting[i] = load == null ? -1 : load.waiting();
            top.over[i] = load != null && load.waiting() > e.maxQueue;
            if (!top.over[i]) {
                roomy++;
            }
        }
        sort(top);
        List<String> notes = List.of();
        if (roomy < top.size) {
            notes = new ArrayList<>(2);
            if (roomy == 0) {
                notes.add(String.format(Locale.ROOT, "all %d nearest clusters are over maxQueue %d; least loaded first",
                        top.size, top.entries[0].maxQueue));
            } else {
                for (int i = roomy; i < top.size; i++) {
                    notes.add(String.format(Locale.ROOT, "skipped %s: %.0f waiting > maxQueue %d",
                            top.entries[i].id, top.waiting[i], top.entries[i].maxQueue));
                }
            }
        }
        if (preferred != null) {
            notes = affinity(top, preferred, slack, notes);
        }
        return notes;
    }

    private static List<String> affinity(Router.TopK top, String preferred, AffinitySlack slack, List<String> notes) {
        for (int p = 0; p < top.size; p++) {
            if (!top.entries[p].id.equals(preferred)) {
                continue;
            }
            if (top.over[p]) {
                return with(notes, "affinity to " + preferred + " broken: over maxQueue");
            }
            if (p == 0) {
                return notes;
            }
            if (slack.keeps(top.totals[p], top.totals[0])) {
                String note = String.format(Locale.ROOT, "kept on %s for affinity (%.1f ms, best %.1f ms)",
                        preferred, top.totals[p], top.totals[0]);
                for (int i = p; i > 0; i--) {
                    top.swap(i, i - 1);
                }
                return with(notes, note);
            }
            return with(notes, String.format(Locale.ROOT, "affinity to %s broken: %.1f ms, beyond the slack of best %.1f ms",
                    preferred, top.totals[p], top.totals[0]));
        }
        return notes; // not a candidate: unhealthy, gone, or outside the request's jurisdictions
    }

    private static List<String> with(List<String> notes, String note) {
        List<String> out = notes.isEmpty() ? new ArrayList<>(1) : notes;
        out.add(note);
        return out;
    }

    /** Insertion sort: clusters with room first by score, then the ones over maxQueue by waiting, then score. */
    private static void sort(Router.TopK top) {
        for (int i = 1; i < top.size; i++) {
            for (int j = i; j > 0 && before(top, j, j - 1); j--) {
                top.swap(j, j - 1);
            }
        }
    }

    private static boolean before(Router.TopK top, int a, int b) {
        if (top.over[a] != top.over[b]) {
            return !top.over[a];
        }
        if (top.over[a] && top.waiting[a] != top.waiting[b]) {
            return top.waiting[a] < top.waiting[b];
        }
        return Router.better(top.totals[a], top.entries[a], top.totals[b], top.entries[b]);
    }
}
