package io.flotilla.placement.plugins;

import io.flotilla.placement.ClusterState;
import io.flotilla.placement.FilterPlugin;
import io.flotilla.placement.PlacementContext;
import io.flotilla.placement.PreparedFilter;
import io.flotilla.placement.SovereigntyGuard;
import io.flotilla.policy.AllowedJurisdictions;
import java.util.Optional;

/** The policy's jurisdictions, checked by {@link SovereigntyGuard}; one mask per jurisdiction set and snapshot. */
public final class JurisdictionFilter implements FilterPlugin {

    private record Key(AllowedJurisdictions allowed) {
    }

    @Override
    public String name() {
        return "jurisdiction";
    }

    @Override
    public Optional<String> reject(PlacementContext context, ClusterState cluster) {
        return SovereigntyGuard.violation(context.allowedJurisdictions(), cluster);
    }

    @Override
    public PreparedFilter prepare(PlacementContext context) {
        AllowedJurisdictions allowed = context.allowedJurisdictions();
        return PreparedFilter.cached(this, context, new Key(allowed), c -> SovereigntyGuard.permits(allowed, c));
    }

    @Override
    public boolean decidesPerCluster() {
        return true;
    }

    @Override
    public boolean readsCapacity() {
        return false;
    }
}
