package io.flotilla.placement;

import io.flotilla.policy.AllowedJurisdictions;
import java.util.Optional;

/**
 * The one place where Flotilla decides whether data may reach a cluster. Placement (through
 * {@link io.flotilla.placement.plugins.JurisdictionFilter}), routing and failover all ask here, and nowhere else; so
 * does the inference router when a request names jurisdictions of its own under a tenant's.
 */
public final class SovereigntyGuard {
    private SovereigntyGuard() {
    }

    /** Why the data may not reach {@code cluster}, or empty when it may. */
    public static Optional<String> violation(AllowedJurisdictions allowed, ClusterState cluster) {
        if (allowed.allows(cluster.jurisdiction())) {
            return Optional.empty();
        }
        return Optional.of("jurisdiction " + cluster.jurisdiction() + " is not in " + allowed);
    }

    public static boolean permits(AllowedJurisdictions allowed, ClusterState cluster) {
        return permits(allowed, cluster.jurisdiction());
    }

    /** Whether the data may reach clusters in {@code jurisdiction}: the answer for every cluster there. */
    public static boolean permits(AllowedJurisdictions allowed, String jurisdiction) {
        return allowed.allows(jurisdiction);
    }

    /**
     * Whether a request may name {@code requested} under a tenant limited to {@code ceiling}: only when it narrows
     * the tenant's jurisdictions (see {@link AllowedJurisdictions#within}), never when it widens them.
     */
    public static boolean permitsNarrowing(AllowedJurisdictions requested, AllowedJurisdictions ceiling) {
        return requested.within(ceiling);
    }
}
