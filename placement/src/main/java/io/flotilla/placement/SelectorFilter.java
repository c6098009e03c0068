package io.flotilla.placement;

import java.util.Optional;

/** The policy's clusterSelector over cluster labels. */
public final class SelectorFilter implements FilterPlugin {
    @Override
    public String name() {
        return "selector";
    }

    @Override
    public Optional<String> reject(PlacementContext context, ClusterState cluster) {
        return Optional.ofNullable(context.policy().spec().placement().clusterSelector().mismatch(cluster.labels()));
    }

    @Override
    public boolean decidesPerCluster() {
        return true;
    }
}
