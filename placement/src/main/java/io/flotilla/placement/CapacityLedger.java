package io.flotilla.placement;

import java.util.HashMap;
import java.util.Map;

/**
 * Free capacity while one placement run hands it out, policy after policy, so that two policies never both
 * get the last GPU. A policy's previous reservation on a cluster (already counted as used in the snapshot)
 * is credited back to that policy only; what a policy gives up is not handed to others in the same run,
 * because its old replicas keep running until the rollout replaces them.
 */
final class CapacityLedger {

    private record PoolKey(String model, int memoryGiB) {
    }

    private static final class Free {
        final Map<PoolKey, Integer> gpus = new HashMap<>();
        long cpu;
        long memory;
    }

    private final Map<String, Free> free = new HashMap<>();

    CapacityLedger(FleetSnapshot snapshot) {
        for (ClusterState c : snapshot.clusters()) {
            Free f = new Free();
            c.gpus().forEach(p -> f.gpus.merge(new PoolKey(p.model(), p.memoryGiB()), p.free(), Integer::sum));
            f.cpu = c.cpuMillicoresFree();
            f.memory = c.memoryBytesFree();
            free.put(c.id(), f);
        }
    }

    int freeGpus(String clusterId, GpuPool pool, Reservation credit) {
        int n = free.get(clusterId).gpus.getOrDefault(new PoolKey(pool.model(), pool.memoryGiB()), 0);
        return n + (credit.gpus() > 0 && credit.gpuModel().equals(pool.model()) && credit.gpuMemoryGiB() == pool.memoryGiB() ? credit.gpus() : 0);
    }

    long freeCpu(String clusterId, Reservation credit) {
        return free.get(clusterId).cpu + credit.cpuMillicores();
    }

    long freeMemory(String clusterId, Reservation credit) {
        return free.get(clusterId).memory + credit.memoryBytes();
    }

    void reserve(String clusterId, Reservation r, Reservation credit) {
        Free f = free.get(clusterId);
        f.cpu -= Math.max(0, r.cpuMillicores() - credit.cpuMillicores());
        f.memory -= Math.max(0, r.memoryBytes() - credit.memoryBytes());
        if (r.gpus() > 0) {
            var key = new PoolKey(r.gpuModel(), r.gpuMemoryGiB());
            boolean samePool = credit.gpuModel().equals(r.gpuModel()) && credit.gpuMemoryGiB() == r.gpuMemoryGiB();
            f.gpus.merge(key, -Math.max(0, r.gpus() - (samePool ? credit.gpus() : 0)), Integer::sum);
        }
        if (f.cpu < 0 || f.memory < 0 || f.gpus.values().stream().anyMatch(v -> v < 0)) {
            throw new IllegalStateException("reserved more than was free on " + clusterId + ": a fit filter let too much through");
        }
    }
}
