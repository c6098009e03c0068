package io.flotilla.placement.plugins;

import io.flotilla.placement.ClusterState;
import io.flotilla.placement.FilterPlugin;
import io.flotilla.placement.PlacementContext;
import io.flotilla.placement.PreparedFilter;
import io.flotilla.policy.ClusterSelector;
import java.util.Optional;

/** The policy's clusterSelector over cluster labels; one mask per selector and snapshot. */
public final class SelectorFilter implements FilterPlugin {

    private record Key(ClusterSelector selector) {
    }

    @Override
    public String name() {
        return "selector";
    }

    @Override
    public Optional<String> reject(PlacementContext context, ClusterState cluster) {
        return Optional.ofNullable(selector(context).mismatch(cluster.labels()));
    }

    @Override
    public PreparedFilter prepare(PlacementContext context) {
        ClusterSelector selector = selector(context);
        return PreparedFilter.cached(this, context, new Key(selector), c -> selector.matches(c.labels()));
    }

    private static ClusterSelector selector(PlacementContext context) {
        return context.policy().spec().placement().clusterSelector();
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
