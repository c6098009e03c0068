package io.flotilla.placement.plugins;

import io.flotilla.placement.ClusterState;
import io.flotilla.placement.FilterPlugin;
import io.flotilla.placement.Health;
import io.flotilla.placement.PlacementContext;
import io.flotilla.placement.PreparedFilter;
import java.util.Optional;

/** New placements go to READY clusters only; one mask per snapshot. */
public final class HealthFilter implements FilterPlugin {

    private static final Object KEY = new Object();

    @Override
    public String name() {
        return "health";
    }

    @Override
    public Optional<String> reject(PlacementContext context, ClusterState cluster) {
        return ready(cluster) ? Optional.empty() : Optional.of("cluster is " + cluster.health());
    }

    @Override
    public PreparedFilter prepare(PlacementContext context) {
        return PreparedFilter.cached(this, context, KEY, HealthFilter::ready);
    }

    private static boolean ready(ClusterState cluster) {
        return cluster.health() == Health.READY;
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
