package io.flotilla.placement;

import java.util.Optional;

/** The policy's jurisdictions, checked by {@link SovereigntyGuard}. */
public final class JurisdictionFilter implements FilterPlugin {
    @Override
    public String name() {
        return "jurisdiction";
    }

    @Override
    public Optional<String> reject(PlacementContext context, ClusterState cluster) {
        return SovereigntyGuard.violation(context.allowedJurisdictions(), cluster);
    }

    @Override
    public boolean decidesPerCluster() {
        return true;
    }
}
