package io.flotilla.placement;

import java.util.Objects;

/**
 * Why a filter leaves a cluster out: a code that says whether waiting could help, and the text a person reads
 * (as {@link ClusterExclusion.Reason#message()}).
 */
public record Rejection(Code code, String message) {

    public enum Code {
        /** The cluster could run the policy once capacity frees up there (GPUs, CPU, memory). */
        UNSCHEDULABLE,
        /** Nothing the cluster's load does changes it: jurisdiction, selector, taints, health. */
        UNRESOLVABLE
    }

    public Rejection {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }
}
