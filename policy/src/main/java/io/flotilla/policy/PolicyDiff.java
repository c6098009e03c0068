package io.flotilla.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * Line diffs between policy revisions, in unified format with three lines of context, computed on the
 * canonical YAML so that reordered fields or spelled-out defaults do not show as changes.
 */
public final class PolicyDiff {
    private PolicyDiff() {
    }

    private static final int CONTEXT = 3;
    // Above this many line pairs the LCS table would be large; such a diff is shown as a whole replacement.
    private static final long MAX_CELLS = 4_000_000;

    /** Empty when the policies are equal. */
    public static String diff(FleetPolicy before, FleetPolicy after) {
        return diff(before.name() + " (before)", CanonicalPolicy.toYaml(before), after.name() + " (after)", CanonicalPolicy.toYaml(after));
    }

    /** Empty when the texts are equal line by line. */
    public static String diff(String beforeName, String before, String afterName, String after) {
        List<String> a = before.lines().toList();
        List<String> b = after.lines().toList();
        List<Op> ops = ops(a, b);
        if (ops.stream().allMatch(o -> o.kind == ' ')) {
            return "";
        }
        var out = new StringBuilder("--- ").append(beforeName).append('\n').append("+++ ").append(afterName).append('\n');
        int i = 0;
        while (i < ops.size()) {
            if (ops.get(i).kind == ' ') {
                i++;
                continue;
            }
            int start = Math.max(0, i - CONTEXT);
            int end = i;
            // extend the hunk while changes are within 2 * CONTEXT of each other
            int lastChange = i;
            while (end < ops.size()) {
                if (ops.get(end).kind != ' ') {
                    lastChange = end;
                } else if (end - lastChange > 2 * CONTEXT) {
                    break;
                }
                end++;
            }
            end = Math.min(ops.size(), lastChange + CONTEXT + 1);
            hunk(ops.subList(start, end), out);
            i = end;
        }
        return out.toString();
    }

    private record Op(char kind, String line, int aLine, int bLine) {
    }

    private static void hunk(List<Op> ops, StringBuilder out) {
        int aStart = -1;
        int bStart = -1;
        int aCount = 0;
        int bCount = 0;
        for (Op op : ops) {
            if (op.kind != '+') {
                aCount++;
                if (aStart < 0) {
                    aStart = op.aLine;
                }
            }
            if (op.kind != '-') {
                bCount++;
                if (bStart < 0) {
                    bStart = op.bLine;
                }
            }
        }
        // unified format numbers an empty side by the line before it
        Op first = ops.get(0);
        out.append("@@ -").append(aCount == 0 ? first.aLine - 1 : aStart).append(',').append(aCount)
                .append(" +").append(bCount == 0 ? first.bLine - 1 : bStart).append(',').append(bCount).append(" @@\n");
        for (Op op : ops) {
            out.append(op.kind).append(op.line).append('\n');
        }
    }

    private static List<Op> ops(List<String> a, List<String> b) {
        int n = a.size();
        int m = b.size();
        var ops = new ArrayList<Op>();
        if ((long) n * m > MAX_CELLS) {
            for (int i = 0; i < n; i++) {
                ops.add(new Op('-', a.get(i), i + 1, 1));
            }
            for (int j = 0; j < m; j++) {
                ops.add(new Op('+', b.get(j), n + 1, j + 1));
            }
            return ops;
        }
        int[][] lcs = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        int i = 0;
        int j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && a.get(i).equals(b.get(j))) {
                ops.add(new Op(' ', a.get(i), i + 1, j + 1));
                i++;
                j++;
            } else if (j < m && (i == n || lcs[i][j + 1] > lcs[i + 1][j])) {
                ops.add(new Op('+', b.get(j), i + 1, j + 1));
                j++;
            } else {
                ops.add(new Op('-', a.get(i), i + 1, j + 1));
                i++;
            }
        }
        return ops;
    }
}
