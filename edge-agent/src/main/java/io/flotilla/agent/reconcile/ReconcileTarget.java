package io.flotilla.agent.reconcile;

import io.flotilla.proto.Topics;

/** Where the agent reconciles: which cluster it speaks for and the namespace its workloads live in. */
public record ReconcileTarget(String clusterId, String namespace) {

    public ReconcileTarget {
        Topics.requireValidClusterId(clusterId);
        if (namespace == null || namespace.isBlank()) {
            throw new IllegalArgumentException("namespace must be set");
        }
    }
}
