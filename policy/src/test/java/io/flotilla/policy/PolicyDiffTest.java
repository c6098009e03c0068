package io.flotilla.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PolicyDiffTest {

    @Test
    void equalTextsHaveNoDiff() {
        assertThat(PolicyDiff.diff("a", "x\ny\n", "b", "x\ny\n")).isEmpty();
    }

    @Test
    void showsChangedLinesWithThreeLinesOfContext() {
        String before = "a\nb\nc\nd\ne\nf\ng\nh\n";
        String after = "a\nb\nc\nd\nE\nf\ng\nh\ni\n";
        assertThat(PolicyDiff.diff("r1", before, "r2", after)).isEqualTo("""
                --- r1
                +++ r2
                @@ -2,7 +2,8 @@
                 b
                 c
                 d
                -e
                +E
                 f
                 g
                 h
                +i
                """);
    }

    @Test
    void separatesDistantChangesIntoHunks() {
        String before = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n";
        String after = "0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n";
        assertThat(PolicyDiff.diff("r1", before, "r2", after)).isEqualTo("""
                --- r1
                +++ r2
                @@ -1,3 +1,4 @@
                +0
                 1
                 2
                 3
                @@ -9,4 +10,3 @@
                 9
                 10
                 11
                -12
                """);
    }

    @Test
    void diffsPoliciesOnTheirCanonicalForm() {
        PolicyParser parser = PolicyParser.standard();
        String text = """
                apiVersion: flotilla.io/v1alpha1
                kind: FleetPolicy
                metadata: { name: chat }
                spec:
                  workload: { model: m, image: i, resources: { gpu: 1, cpu: "1", memory: 1Gi } }
                  placement: { jurisdictions: [EU], maxClusters: %d }
                """;
        FleetPolicy v1 = parser.parse("v1", text.formatted(2)).policies().get(0);
        FleetPolicy v2 = parser.parse("v2", text.formatted(3)).policies().get(0);
        String diff = PolicyDiff.diff(v1, v2);
        assertThat(diff).startsWith("--- chat (before)\n+++ chat (after)\n").contains("\n-    maxClusters: 2\n+    maxClusters: 3\n");
        assertThat(PolicyDiff.diff(v1, parser.parse("again", text.formatted(2)).policies().get(0))).isEmpty();
    }
}
