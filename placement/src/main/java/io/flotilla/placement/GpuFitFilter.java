package io.flotilla.placement;

import java.util.Optional;

/** Enough free GPUs of the required model and memory for all replicas, in one pool. */
public final class GpuFitFilter implements FilterPlugin {
    @Override
    public String name() {
        return "gpu-fit";
    }

    @Override
    public Optional<String> reject(PlacementContext context, ClusterState cluster) {
        if (ResourceFit.resources(context).gpu() == 0 || ResourceFit.pool(context, cluster).isPresent()) {
            return Optional.empty();
        }
        return Optional.of(ResourceFit.gpuShortfall(context, cluster));
    }

    @Override
    public boolean decidesPerCluster() {
        return true;
    }
}
