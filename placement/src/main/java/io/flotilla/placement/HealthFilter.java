package io.flotilla.placement;

import java.util.Optional;

/** New placements go to READY clusters only. */
public final class HealthFilter implements FilterPlugin {
    @Override
    public String name() {
        return "health";
    }

    @Override
    public Optional<String> reject(PlacementContext context, ClusterState cluster) {
        return cluster.health() == Health.READY ? Optional.empty() : Optional.of("cluster is " + cluster.health());
    }

    @Override
    public boolean decidesPerCluster() {
        return true;
    }
}
