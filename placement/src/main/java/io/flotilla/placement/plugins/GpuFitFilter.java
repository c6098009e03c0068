package io.flotilla.placement.plugins;

import io.flotilla.placement.ClusterState;
import io.flotilla.placement.FilterPlugin;
import io.flotilla.placement.PlacementContext;
import io.flotilla.placement.PreparedFilter;
import io.flotilla.placement.ResourceFit;
import io.flotilla.placement.SnapshotIndex;
import io.flotilla.policy.Resources;
import java.util.Optional;

/**
 * Enough free GPUs of the required model and memory for all replicas, in one pool. Prepared, it reads the
 * snapshot's GPU pool slots (pools of equal model and memory counted together, as the ledger keeps them).
 */
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
    public PreparedFilter prepare(PlacementContext context) {
        Resources r = ResourceFit.resources(context);
        if (r.gpu() == 0) {
            return new Fit(this, context, null, 0, 0, null);
        }
        return new Fit(this, context, r.gpuModel().orElse(null), r.gpuMemoryGiB(), r.gpu() * ResourceFit.replicas(context), context.index());
    }

    /** Some slot of the model ({@code model} null: any), with enough memory per GPU, has {@code needed} free GPUs. */
    private static final class Fit extends PreparedFilter.Explained {

        private final String model;
        private final int memoryGiB;
        private final int needed;
        private final SnapshotIndex index;

        Fit(FilterPlugin plugin, PlacementContext context, String model, int memoryGiB, int needed, SnapshotIndex index) {
            super(plugin, context);
            this.model = model;
            this.memoryGiB = memoryGiB;
            this.needed = needed;
            this.index = index;
        }

        @Override
        public boolean admits(int c) {
            if (index == null) {
                return true;
            }
            String[] models = index.gpuSlotModels(c);
            int[] memories = index.gpuSlotMemoryGiB(c);
            for (int s = 0; s < models.length; s++) {
                if ((model == null || model.equals(models[s])) && memories[s] >= memoryGiB && context.freeGpus(c, s) >= needed) {
                    return true;
                }
            }
            return false;
        }
    }

    @Override
    public boolean decidesPerCluster() {
        return true;
    }
}
