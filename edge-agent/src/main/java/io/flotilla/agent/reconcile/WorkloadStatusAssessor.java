package io.flotilla.agent.reconcile;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.flotilla.proto.v1.InferenceWorkload;
import io.flotilla.proto.v1.WorkloadCondition;
import io.flotilla.proto.v1.WorkloadStatus;
import java.util.Optional;

/**
 * Reads a workload's condition from its Deployment, the way {@code kubectl rollout status} does.
 * Pure.
 *
 * <ul>
 *   <li>DEGRADED: a replica failure (e.g. no node has a free GPU), a rollout past its progress
 *       deadline, or a finished rollout that has since lost ready replicas.</li>
 *   <li>AVAILABLE: the controller has seen the current spec and every desired replica is updated
 *       and ready.</li>
 *   <li>PROGRESSING: anything else: the rollout is under way or has not been observed yet.</li>
 * </ul>
 */
public final class WorkloadStatusAssessor {

    private WorkloadStatusAssessor() {
    }

    public static WorkloadStatus assess(ReconcileTarget target, InferenceWorkload w, Deployment observed) {
        int desired = Math.max(0, w.getReplicas());
        WorkloadStatus.Builder status = WorkloadStatus.newBuilder()
                .setName(w.getName())
                .setDesiredReplicas(desired)
                .setEndpoint(WorkloadObjects.endpoint(target, w));
        if (observed == null) {
            return status.setCondition(WorkloadCondition.WORKLOAD_CONDITION_PROGRESSING)
                    .setReason("NotCreated").setMessage("deployment " + w.getName() + " does not exist yet").build();
        }
        DeploymentStatus s = observed.getStatus() == null ? new DeploymentStatus() : observed.getStatus();
        int ready = orZero(s.getReadyReplicas());
        int updated = orZero(s.getUpdatedReplicas());
        status.setReadyReplicas(ready);
        String counts = ready + "/" + desired + " replicas ready";

        Optional<DeploymentCondition> replicaFailure = condition(s, "ReplicaFailure").filter(c -> "True".equals(c.getStatus()));
        if (replicaFailure.isPresent()) {
            return degraded(status, replicaFailure.get(), "ReplicaFailure", counts);
        }
        Optional<DeploymentCondition> progressing = condition(s, "Progressing");
        if (progressing.isPresent() && "False".equals(progressing.get().getStatus())) {
            return degraded(status, progressing.get(), "ProgressDeadlineExceeded", counts);
        }
        long generation = observed.getMetadata().getGeneration() == null ? 0 : observed.getMetadata().getGeneration();
        boolean observedCurrentSpec = s.getObservedGeneration() != null && s.getObservedGeneration() >= generation;
        if (observedCurrentSpec && ready >= desired && updated >= desired) {
            return status.setCondition(WorkloadCondition.WORKLOAD_CONDITION_AVAILABLE)
                    .setReason(desired == 0 ? "ScaledToZero" : "ReplicasReady").setMessage(counts).build();
        }
        boolean rolloutComplete = progressing.map(c -> "NewReplicaSetAvailable".equals(c.getReason())).orElse(false);
        if (observedCurrentSpec && rolloutComplete && ready < desired) {
            return status.setCondition(WorkloadCondition.WORKLOAD_CONDITION_DEGRADED)
                    .setReason("ReplicasUnavailable").setMessage(counts).build();
        }
        return status.setCondition(WorkloadCondition.WORKLOAD_CONDITION_PROGRESSING)
                .setReason(observedCurrentSpec ? "ReplicasNotReady" : "RolloutPending").setMessage(counts).build();
    }

    private static WorkloadStatus degraded(WorkloadStatus.Builder status, DeploymentCondition c, String fallbackReason,
            String counts) {
        String reason = c.getReason() == null || c.getReason().isEmpty() ? fallbackReason : c.getReason();
        String message = c.getMessage() == null || c.getMessage().isEmpty() ? counts : c.getMessage() + " (" + counts + ")";
        return status.setCondition(WorkloadCondition.WORKLOAD_CONDITION_DEGRADED).setReason(reason).setMessage(message)
                .build();
    }

    private static Optional<DeploymentCondition> condition(DeploymentStatus s, String type) {
        return s.getConditions() == null ? Optional.empty()
                : s.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    private static int orZero(Integer i) {
        return i == null ? 0 : i;
    }
}
