package io.flotilla.placement;

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
    public boolean decidesPerCluster() {
        return true;
    }
}
