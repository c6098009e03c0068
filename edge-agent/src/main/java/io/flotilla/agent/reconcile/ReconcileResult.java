package io.flotilla.agent.reconcile;

import io.flotilla.proto.v1.WorkloadStatus;
import java.util.List;
import java.util.Map;

/**
 * The outcome of one reconcile pass: the status of every desired workload; the errors that kept
 * the generation from being fully applied and are worth retrying (API failures); and the
 * workloads refused as invalid, which no retry will fix.
 */
public record ReconcileResult(long generation, List<WorkloadStatus> workloads, List<String> errors,
        List<String> invalid, Map<ResourceApplier.Outcome, Integer> outcomes) {

    public ReconcileResult {
        workloads = List.copyOf(workloads);
        errors = List.copyOf(errors);
        invalid = List.copyOf(invalid);
        outcomes = Map.copyOf(outcomes);
    }

    /** True when everything appliable was applied; invalid workloads do not hold the generation back. */
    public boolean applied() {
        return errors.isEmpty();
    }

    /** One line for the status report, empty when nothing went wrong. */
    public String summary() {
        List<String> all = new java.util.ArrayList<>(errors);
        all.addAll(invalid);
        return String.join("; ", all);
    }
}
