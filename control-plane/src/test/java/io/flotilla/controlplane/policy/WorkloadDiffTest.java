package io.flotilla.controlplane.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.controlplane.fleet.WorkloadSpec;
import io.flotilla.controlplane.policy.PolicyPlacer.ClusterChange;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkloadDiffTest {

    private static WorkloadSpec spec(String image, int replicas) {
        return new WorkloadSpec("m", null, image, null, null, null, replicas, null, null, null, null, "chat", null, null)
                .withDefaults();
    }

    @Test
    void aNewWorkloadIsPutAndNotCountedAsReplaced() {
        List<ClusterChange> changes = WorkloadDiff.between(Map.of("fra", Map.of("chat", spec("v1", 1))), Map.of());

        assertThat(changes).singleElement().satisfies(c -> {
            assertThat(c.clusterId()).isEqualTo("fra");
            assertThat(c.put()).containsOnlyKeys("chat");
            assertThat(c.replaced()).isEmpty();
            assertThat(c.removed()).isEmpty();
        });
    }

    @Test
    void aDifferentSpecUnderTheSameNameIsAReplacementThatRollsOut() {
        List<ClusterChange> changes = WorkloadDiff.between(Map.of("fra", Map.of("chat", spec("v2", 1))),
                Map.of("fra", Map.of("chat", spec("v1", 1))));

        assertThat(changes).singleElement().satisfies(c -> {
            assertThat(c.put()).containsEntry("chat", spec("v2", 1));
            assertThat(c.replaced()).containsExactly("chat");
        });
    }

    @Test
    void anUnchangedClusterHasNoChangeAndAClusterPlacementLeftLosesItsWorkloads() {
        List<ClusterChange> changes = WorkloadDiff.between(
                Map.of("fra", Map.of("chat", spec("v1", 2))),
                Map.of("fra", Map.of("chat", spec("v1", 2)), "par", Map.of("chat", spec("v1", 1), "embed", spec("e", 1))));

        assertThat(changes).singleElement().satisfies(c -> {
            assertThat(c.clusterId()).isEqualTo("par");
            assertThat(c.put()).isEmpty();
            assertThat(c.removed()).containsExactly("chat", "embed");
        });
    }

    @Test
    void changesComeInClusterIdOrder() {
        List<ClusterChange> changes = WorkloadDiff.between(
                Map.of("waw", Map.of("chat", spec("v1", 1)), "ams", Map.of("chat", spec("v1", 1))),
                Map.of("lis", Map.of("chat", spec("v1", 1))));

        assertThat(changes).extracting(ClusterChange::clusterId).containsExactly("ams", "lis", "waw");
    }
}
