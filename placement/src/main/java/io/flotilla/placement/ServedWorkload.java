package io.flotilla.placement;

import java.util.Objects;

/** A policy's workload that a cluster serves now, and where the router reaches it. */
public record ServedWorkload(String policyName, String alias, String endpoint) {
    public ServedWorkload {
        Objects.requireNonNull(policyName, "policyName");
        Objects.requireNonNull(alias, "alias");
        Objects.requireNonNull(endpoint, "endpoint");
    }
}
