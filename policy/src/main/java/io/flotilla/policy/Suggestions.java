package io.flotilla.policy;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** "Did you mean" hints: the closest candidates by edit distance, ties broken alphabetically. */
public final class Suggestions {
    private Suggestions() {
    }

    public static Optional<String> closest(String input, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        String in = input.toLowerCase(Locale.ROOT);
        for (String c : candidates) {
            int d = distance(in, c.toLowerCase(Locale.ROOT));
            if (d < bestDistance || (d == bestDistance && c.compareTo(best) < 0)) {
                best = c;
                bestDistance = d;
            }
        }
        // close enough to be a slip: two edits, or a third of a long word
        int threshold = slip(input);
        return best != null && bestDistance <= threshold && !best.equals(input) ? Optional.of(best) : Optional.empty();
    }

    /**
     * Up to {@code limit} candidates nearest to {@code input} by spelling (edit distance, case ignored; ties in
     * alphabetical order), however far: for an input that {@link #closest} finds no slip in, the names to offer
     * instead of none. With a close candidate, only the close ones (as near as {@link #closest} allows).
     */
    public static List<String> nearest(String input, Collection<String> candidates, int limit) {
        String in = input.toLowerCase(Locale.ROOT);
        record Scored(String name, int distance) {
        }
        List<Scored> ranked = candidates.stream().filter(c -> !c.equals(input))
                .map(c -> new Scored(c, distance(in, c.toLowerCase(Locale.ROOT))))
                .sorted(Comparator.comparingInt(Scored::distance).thenComparing(Scored::name))
                .toList();
        int threshold = slip(input);
        List<Scored> close = ranked.stream().filter(s -> s.distance() <= threshold).toList();
        return (close.isEmpty() ? ranked : close).stream().limit(limit).map(Scored::name).toList();
    }

    private static int slip(String input) {
        return Math.max(2, input.length() / 3);
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
