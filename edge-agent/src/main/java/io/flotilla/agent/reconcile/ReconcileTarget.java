package io.flotilla.agent.reconcile;

import io.flotilla.proto.Topics;
import java.util.Objects;

/**
 * Where the agent reconciles: which cluster it speaks for, the namespace its workloads live in, and the Pod
 * Security Standard that namespace enforces.
 */
public record ReconcileTarget(String clusterId, String namespace, PodSecurityLevel podSecurity) {

    public ReconcileTarget {
        Topics.requireValidClusterId(clusterId);
        if (namespace == null || namespace.isBlank()) {
            throw new IllegalArgumentException("namespace must be set");
        }
        Objects.requireNonNull(podSecurity, "podSecurity");
    }

    /** At the baseline level. */
    public ReconcileTarget(String clusterId, String namespace) {
        this(clusterId, namespace, PodSecurityLevel.BASELINE);
    }
}
