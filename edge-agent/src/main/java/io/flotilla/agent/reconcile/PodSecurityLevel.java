package io.flotilla.agent.reconcile;

import java.util.Locale;

/**
 * The Pod Security Standard the agent's namespace enforces (Pod Security Admission) and its pods are built
 * to meet. Both levels leave GPUs to the device plugin, which needs no privileged container.
 */
public enum PodSecurityLevel {
    /** Blocks known privilege escalations (privileged, host namespaces, hostPath) and runs any image. */
    BASELINE,
    /** Also requires a non-root user: only for images that run as one. */
    RESTRICTED;

    /** The level as Pod Security Admission labels spell it. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
