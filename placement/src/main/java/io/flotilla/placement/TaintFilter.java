package io.flotilla.placement;

import io.flotilla.policy.TaintEffect;
import io.flotilla.policy.Toleration;
import java.util.List;
import java.util.Optional;

/** NoSchedule and NoExecute taints keep away every workload that does not tolerate them. */
public final class TaintFilter implements FilterPlugin {
    @Override
    public String name() {
        return "taints";
    }

    @Override
    public Optional<String> reject(PlacementContext context, ClusterState cluster) {
        List<Toleration> tolerations = context.policy().spec().workload().tolerations();
        for (Taint t : cluster.taints()) {
            if (t.effect() == TaintEffect.PREFER_NO_SCHEDULE) {
                continue;
            }
            if (tolerations.stream().noneMatch(tol -> tol.tolerates(t.key(), t.value(), t.effect()))) {
                return Optional.of("taint " + t + " is not tolerated");
            }
        }
        return Optional.empty();
    }

    @Override
    public boolean decidesPerCluster() {
        return true;
    }
}
