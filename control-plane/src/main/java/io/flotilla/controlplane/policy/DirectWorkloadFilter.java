package io.flotilla.controlplane.policy;

import io.flotilla.controlplane.fleet.FleetSnapshots;
import io.flotilla.placement.ClusterState;
import io.flotilla.placement.FilterPlugin;
import io.flotilla.placement.PlacementContext;
import java.util.Optional;
import java.util.Set;

/**
 * Keeps a policy off clusters that already run a workload of the same name given directly through the
 * API: a cluster runs one workload per name, and placement never replaces what it did not place.
 */
final class DirectWorkloadFilter implements FilterPlugin {

    private final Set<String> direct;

    /** @param direct {@code cluster/workload} for every directly given workload */
    DirectWorkloadFilter(Set<String> direct) {
        this.direct = direct;
    }

    @Override
    public String name() {
        return "direct-workload";
    }

    @Override
    public Optional<String> reject(PlacementContext context, ClusterState cluster) {
        String name = context.policy().name();
        return direct.contains(FleetSnapshots.workloadKey(cluster.id(), name))
                ? Optional.of("cluster runs a workload named '" + name + "' given directly through the API")
                : Optional.empty();
    }

    /** The set is fixed for this filter's life: a new set comes with a new engine ({@link LivePlacement}). */
    @Override
    public boolean decidesPerCluster() {
        return true;
    }

    /** Names, not capacity: freeing capacity never lets the policy in (an unresolvable rejection). */
    @Override
    public boolean readsCapacity() {
        return false;
    }
}
