package io.flotilla.agent.reconcile;

import static io.flotilla.agent.Fixtures.workload;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.flotilla.proto.v1.WorkloadStatus;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class WorkloadStatusAssessorTest {

    private static final ReconcileTarget TARGET = new ReconcileTarget("edge-1", "ns");

    /** A deployment at generation 2 whose controller has seen {@code observed}. */
    private static Deployment deployment(long observed, int updated, int ready, String progressing,
            String progressingReason, String replicaFailure) {
        DeploymentStatusBuilder status = new DeploymentStatusBuilder()
                .withObservedGeneration(observed).withUpdatedReplicas(updated).withReadyReplicas(ready);
        if (progressing != null) {
            status.addNewCondition().withType("Progressing").withStatus(progressing).withReason(progressingReason)
                    .withMessage("deployment progress").endCondition();
        }
        if (replicaFailure != null) {
            status.addNewCondition().withType("ReplicaFailure").withStatus("True").withReason(replicaFailure)
                    .withMessage("0/1 nodes are available: 1 Insufficient nvidia.com/gpu").endCondition();
        }
        return new DeploymentBuilder().withNewMetadata().withName("chat").withGeneration(2L).endMetadata()
                .withStatus(status.build()).build();
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("not created", null, "PROGRESSING", "NotCreated"),
                Arguments.of("spec not yet observed", deployment(1, 2, 2, "True", "NewReplicaSetAvailable", null),
                        "PROGRESSING", "RolloutPending"),
                Arguments.of("rolling out", deployment(2, 1, 0, "True", "ReplicaSetUpdated", null),
                        "PROGRESSING", "ReplicasNotReady"),
                Arguments.of("all ready", deployment(2, 2, 2, "True", "NewReplicaSetAvailable", null),
                        "AVAILABLE", "ReplicasReady"),
                Arguments.of("lost a replica after rollout", deployment(2, 2, 1, "True", "NewReplicaSetAvailable", null),
                        "DEGRADED", "ReplicasUnavailable"),
                Arguments.of("deadline exceeded", deployment(2, 1, 0, "False", "ProgressDeadlineExceeded", null),
                        "DEGRADED", "ProgressDeadlineExceeded"),
                Arguments.of("no GPU free", deployment(2, 0, 0, "True", "ReplicaSetUpdated", "FailedCreate"),
                        "DEGRADED", "FailedCreate"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void conditionFollowsTheDeployment(String name, Deployment observed, String condition, String reason) {
        WorkloadStatus status = WorkloadStatusAssessor.assess(TARGET, workload("chat").setReplicas(2).build(), observed);

        assertThat(status.getCondition().name()).isEqualTo("WORKLOAD_CONDITION_" + condition);
        assertThat(status.getReason()).isEqualTo(reason);
        assertThat(status.getDesiredReplicas()).isEqualTo(2);
        assertThat(status.getEndpoint()).isEqualTo("http://chat.ns.svc:8000");
    }
}
