package io.flotilla.policy;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** "Did you mean" hints: the closest candidate by edit distance, ties broken alphabetically. */
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
        int threshold = Math.max(2, input.length() / 3);
        return best != null && bestDistance <= threshold && !best.equals(input) ? Optional.of(best) : Optional.empty();
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
