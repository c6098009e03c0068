package io.flotilla.placement.plugins;

import io.flotilla.placement.ClusterState;
import io.flotilla.placement.FilterPlugin;
import io.flotilla.placement.PlacementContext;
import io.flotilla.placement.PreparedFilter;
import io.flotilla.placement.Taint;
import io.flotilla.policy.TaintEffect;
import io.flotilla.policy.Toleration;
import java.util.List;
import java.util.Optional;

/**
 * NoSchedule and NoExecute taints keep away every workload that does not tolerate them; one mask per list of
 * tolerations and snapshot.
 */
public final class TaintFilter implements FilterPlugin {

    private record Key(List<Toleration> tolerations) {
    }

    @Override
    public String name() {
        return "taints";
    }

    @Override
    public Optional<String> reject(PlacementContext context, ClusterState cluster) {
        Taint t = firstNotTolerated(cluster, tolerations(context));
        return t == null ? Optional.empty() : Optional.of("taint " + t + " is not tolerated");
    }

    @Override
    public PreparedFilter prepare(PlacementContext context) {
        List<Toleration> tolerations = tolerations(context);
        return PreparedFilter.cached(this, context, new Key(tolerations), c -> firstNotTolerated(c, tolerations) == null);
    }

    private static List<Toleration> tolerations(PlacementContext context) {
        return context.policy().spec().workload().tolerations();
    }

    /** The first NoSchedule or NoExecute taint none of {@code tolerations} tolerates, or null. */
    private static Taint firstNotTolerated(ClusterState cluster, List<Toleration> tolerations) {
        for (Taint t : cluster.taints()) {
            if (t.effect() == TaintEffect.PREFER_NO_SCHEDULE) {
                continue;
            }
            if (tolerations.stream().noneMatch(tol -> tol.tolerates(t.key(), t.value(), t.effect()))) {
                return t;
            }
        }
        return null;
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
