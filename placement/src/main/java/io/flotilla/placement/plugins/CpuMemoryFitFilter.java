package io.flotilla.placement.plugins;

import io.flotilla.placement.ClusterState;
import io.flotilla.placement.FilterPlugin;
import io.flotilla.placement.PlacementContext;
import io.flotilla.placement.PreparedFilter;
import io.flotilla.placement.ResourceFit;
import java.util.Optional;

/** Enough free CPU and memory for all replicas. */
public final class CpuMemoryFitFilter implements FilterPlugin {
    @Override
    public String name() {
        return "cpu-memory-fit";
    }

    @Override
    public Optional<String> reject(PlacementContext context, ClusterState cluster) {
        int replicas = ResourceFit.replicas(context);
        var r = ResourceFit.resources(context);
        long cpu = ResourceFit.cpuNeeded(context);
        long freeCpu = context.freeCpuMillicores(cluster);
        if (cpu > freeCpu) {
            return Optional.of("needs " + ResourceFit.cpu(cpu) + " CPU (" + replicas + " x " + r.cpu() + "), "
                    + ResourceFit.cpu(freeCpu) + " free");
        }
        long memory = ResourceFit.memoryNeeded(context);
        long freeMemory = context.freeMemoryBytes(cluster);
        if (memory > freeMemory) {
            return Optional.of("needs " + ResourceFit.memory(memory) + " memory (" + replicas + " x " + r.memory() + "), "
                    + ResourceFit.memory(freeMemory) + " free");
        }
        return Optional.empty();
    }

    @Override
    public PreparedFilter prepare(PlacementContext context) {
        return new Fit(this, context, ResourceFit.cpuNeeded(context), ResourceFit.memoryNeeded(context));
    }

    private static final class Fit extends PreparedFilter.Explained {

        private final long cpu;
        private final long memory;

        Fit(FilterPlugin plugin, PlacementContext context, long cpu, long memory) {
            super(plugin, context);
            this.cpu = cpu;
            this.memory = memory;
        }

        @Override
        public boolean admits(int c) {
            return cpu <= context.freeCpuMillicores(c) && memory <= context.freeMemoryBytes(c);
        }
    }

    @Override
    public boolean decidesPerCluster() {
        return true;
    }
}
