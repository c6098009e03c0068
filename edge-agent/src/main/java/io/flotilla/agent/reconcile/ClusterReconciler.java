package io.flotilla.agent.reconcile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.flotilla.proto.v1.DesiredState;
import io.flotilla.proto.v1.InferenceWorkload;
import io.flotilla.proto.v1.WorkloadCondition;
import io.flotilla.proto.v1.WorkloadStatus;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes the cluster match a desired state: plan from what is observed, apply everything, prune
 * what is managed and no longer desired, then read back each workload's condition. Idempotent: a
 * second pass over the same state changes nothing. Not thread-safe: the agent runs it on one
 * worker.
 */
public final class ClusterReconciler {

    private static final System.Logger LOG = System.getLogger(ClusterReconciler.class.getName());

    private final ReconcileTarget target;
    private final ResourceApplier applier;
    private final EndpointResolver endpoints;

    public ClusterReconciler(KubernetesClient client, ReconcileTarget target) {
        this(client, target, EndpointResolver.IN_CLUSTER);
    }

    public ClusterReconciler(KubernetesClient client, ReconcileTarget target, EndpointResolver endpoints) {
        this.target = target;
        this.applier = new ResourceApplier(client, target.namespace());
        this.endpoints = endpoints;
    }

    public ReconcileTarget target() {
        return target;
    }

    public ReconcileResult reconcile(DesiredState desired) {
        List<String> errors = new ArrayList<>();
        Map<ResourceApplier.Outcome, Integer> outcomes = new EnumMap<>(ResourceApplier.Outcome.class);
        Map<String, String> failedWorkloads = new LinkedHashMap<>();
        ReconcilePlan plan;
        try {
            count(outcomes, applier.ensureNamespace(WorkloadObjects.namespace(target)));
            plan = ReconcilePlanner.plan(target, desired, applier.listManaged());
        } catch (KubernetesClientException e) {
            String error = "cannot read namespace " + target.namespace() + ": " + describe(e);
            return new ReconcileResult(desired.getGeneration(), unknownStatuses(desired, error), List.of(error), List.of(),
                    outcomes);
        }
        for (HasMetadata object : plan.apply()) {
            String workload = object.getMetadata().getLabels().getOrDefault(ManagedLabels.WORKLOAD,
                    object.getMetadata().getName());
            try {
                count(outcomes, applier.apply(object));
            } catch (KubernetesClientException e) {
                String error = "applying " + object.getKind() + " " + target.namespace() + "/"
                        + object.getMetadata().getName() + ": "
                        + describe(e);
                errors.add(error);
                failedWorkloads.putIfAbsent(workload, error);
            }
        }
        for (ObjectRef ref : plan.prune()) {
            try {
                count(outcomes, applier.delete(ref));
                LOG.log(Level.INFO, "pruned {0} {1}/{2}: workload no longer desired", ref.kind(), target.namespace(),
                        ref.name());
            } catch (KubernetesClientException e) {
                errors.add("pruning " + ref.kind() + " " + target.namespace() + "/" + ref.name() + ": " + describe(e));
            }
        }
        List<WorkloadStatus> statuses = new ArrayList<>();
        for (InferenceWorkload w : desired.getWorkloadsList()) {
            String invalid = plan.invalidWorkloads().get(w.getName());
            String failed = failedWorkloads.get(w.getName());
            if (invalid != null) {
                statuses.add(degraded(w, "InvalidWorkload", invalid));
            } else if (failed != null) {
                statuses.add(degraded(w, "ApplyFailed", failed));
            } else {
                statuses.add(observe(w));
            }
        }
        List<String> invalid = List.copyOf(plan.invalidWorkloads().values());
        if (!errors.isEmpty() || !invalid.isEmpty() || outcomes.keySet().stream().anyMatch(o -> o != ResourceApplier.Outcome.NOOP)) {
            LOG.log(errors.isEmpty() ? Level.INFO : Level.WARNING, "reconciled generation {0} of {1}: {2}{3}",
                    desired.getGeneration(), target.clusterId(), outcomes,
                    errors.isEmpty() && invalid.isEmpty() ? "" : ", errors " + errors + ", invalid " + invalid);
        }
        return new ReconcileResult(desired.getGeneration(), statuses, errors, invalid, outcomes);
    }

    /** Reads each desired workload's condition without changing anything. */
    public List<WorkloadStatus> observe(DesiredState desired) {
        List<WorkloadStatus> statuses = new ArrayList<>();
        for (InferenceWorkload w : desired.getWorkloadsList()) {
            statuses.add(ReconcilePlanner.problem(w) != null ? degraded(w, "InvalidWorkload", ReconcilePlanner.problem(w))
                    : observe(w));
        }
        return statuses;
    }

    private WorkloadStatus observe(InferenceWorkload w) {
        try {
            Deployment deployment = applier.deployment(w.getName());
            return WorkloadStatusAssessor.assess(target, w, deployment).toBuilder()
                    .setEndpoint(endpoints.endpoint(target, w)).build();
        } catch (KubernetesClientException e) {
            return degraded(w, "StatusUnknown", "reading deployment " + w.getName() + ": " + describe(e));
        }
    }

    private List<WorkloadStatus> unknownStatuses(DesiredState desired, String error) {
        return desired.getWorkloadsList().stream().map(w -> degraded(w, "ClusterUnreachable", error)).toList();
    }

    private WorkloadStatus degraded(InferenceWorkload w, String reason, String message) {
        return WorkloadStatus.newBuilder()
                .setName(w.getName())
                .setCondition(WorkloadCondition.WORKLOAD_CONDITION_DEGRADED)
                .setReason(reason)
                .setMessage(message)
                .setDesiredReplicas(Math.max(0, w.getReplicas()))
                .setEndpoint(endpoints.endpoint(target, w))
                .build();
    }

    private static void count(Map<ResourceApplier.Outcome, Integer> outcomes, ResourceApplier.Outcome outcome) {
        outcomes.merge(outcome, 1, Integer::sum);
    }

    private static String describe(KubernetesClientException e) {
        return e.getCode() > 0 ? "HTTP " + e.getCode() + " " + e.getMessage() : e.getMessage();
    }
}
