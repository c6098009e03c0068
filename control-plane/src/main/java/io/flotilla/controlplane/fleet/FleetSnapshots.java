package io.flotilla.controlplane.fleet;

import io.flotilla.placement.ClusterState;
import io.flotilla.placement.FleetSnapshot;
import io.flotilla.placement.GpuPool;
import io.flotilla.placement.Health;
import io.flotilla.placement.Load;
import io.flotilla.placement.Reservation;
import io.flotilla.placement.ServedWorkload;
import io.flotilla.placement.Taint;
import io.flotilla.policy.CpuQuantity;
import io.flotilla.policy.GeoPoint;
import io.flotilla.policy.MemoryQuantity;
import io.flotilla.policy.TaintEffect;
import io.flotilla.proto.v1.InferenceLoad;
import io.flotilla.proto.v1.TelemetryReport;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Reads the fleet into the immutable snapshot the placement core takes. Free capacity is what a cluster
 * was registered with, less what placement reserved there last time (the engine credits each policy its own
 * reservation back) and less what directly given workloads ask for.
 */
@ApplicationScoped
public class FleetSnapshots {

    /**
     * @param unlocated clusters registered without coordinates: left out of the snapshot (distance is
     *        undefined for them), reported as excluded by placement
     * @param jurisdictions every cluster's jurisdiction, by id
     * @param direct {@code cluster/workload} for every workload given directly through the API
     */
    public record Inventory(FleetSnapshot snapshot, List<String> unlocated, Map<String, String> jurisdictions,
            Set<String> direct) {
    }

    private final ClusterRepository clusters;
    private final ClusterWorkloadRepository workloads;
    private final WorkloadStatusRepository statuses;
    private final FleetService fleet;
    private final PlacementConfig config;
    private final Clock clock;
    private final LatestTelemetry latest;

    FleetSnapshots(LatestTelemetry latest, ClusterRepository clusters, ClusterWorkloadRepository workloads, WorkloadStatusRepository statuses,
            FleetService fleet, PlacementConfig config, Clock clock) {
        this.latest = latest;
        this.clusters = clusters;
        this.workloads = workloads;
        this.statuses = statuses;
        this.fleet = fleet;
        this.config = config;
        this.clock = clock;
    }

    /**
     * @param reserved what placement reserved last time, by cluster
     * @param aliasByPolicy the current policies' routing aliases: a cluster serves a policy's alias where its
     *        agent reports that policy's workload Available with an endpoint
     */
    public Inventory take(Map<String, List<Reservation>> reserved, Map<String, String> aliasByPolicy) {
        Map<String, List<ClusterWorkload>> direct = workloads.givenDirectly().stream()
                .collect(Collectors.groupingBy(w -> w.key.clusterId()));
        // a cluster serves a policy's alias only where placement put that policy's workload: what an agent reports
        // about a workload it was never given does not make it a route
        Set<String> placed = aliasByPolicy.isEmpty() ? Set.of() : workloads.placedByPolicies().stream()
                .map(w -> workloadKey(w.key.clusterId(), w.key.name())).collect(Collectors.toSet());
        Map<String, List<WorkloadStatusRecord>> reported = aliasByPolicy.isEmpty() ? Map.of()
                : statuses.listAll().stream().filter(r -> placed.contains(workloadKey(r.key.clusterId(), r.key.name())))
                        .collect(Collectors.groupingBy(r -> r.key.clusterId()));
        var states = new ArrayList<ClusterState>();
        var unlocated = new ArrayList<String>();
        var jurisdictions = new HashMap<String, String>();
        var directNames = new HashSet<String>();
        direct.values().forEach(ws -> ws.forEach(w -> directNames.add(workloadKey(w.key.clusterId(), w.key.name()))));
        for (Cluster c : clusters.listOrdered()) {
            jurisdictions.put(c.id, c.jurisdiction);
            if (c.latitude == null || c.longitude == null) {
                unlocated.add(c.id);
                continue;
            }
            states.add(stateOf(c, reserved.getOrDefault(c.id, List.of()), direct.getOrDefault(c.id, List.of()),
                    reported.getOrDefault(c.id, List.of()), aliasByPolicy));
        }
        return new Inventory(new FleetSnapshot(clock.instant(), states), List.copyOf(unlocated), Map.copyOf(jurisdictions),
                Set.copyOf(directNames));
    }

    private ClusterState stateOf(Cluster c, List<Reservation> reserved, List<ClusterWorkload> direct,
            List<WorkloadStatusRecord> reported, Map<String, String> aliasByPolicy) {
        ClusterCapacity capacity = fleet.capacityOf(c);
        var pools = new TreeMap<String, int[]>(); // "model/memoryGiB" -> {model memory, total, free}
        var models = new HashMap<String, String>();
        for (ClusterCapacity.Gpu g : capacity.gpus()) {
            String key = g.model() + "/" + g.memoryGiB();
            models.put(key, g.model());
            int[] p = pools.computeIfAbsent(key, k -> new int[] {g.memoryGiB(), 0, 0});
            p[1] += g.count();
            p[2] += g.count();
        }
        long cpu = CpuQuantity.parse(capacity.cpu()).map(CpuQuantity::millicores).orElse(0L);
        long memory = MemoryQuantity.parse(capacity.memory()).map(MemoryQuantity::bytes).orElse(0L);
        long cpuFree = cpu;
        long memoryFree = memory;
        for (Reservation r : reserved) {
            cpuFree -= r.cpuMillicores();
            memoryFree -= r.memoryBytes();
            int[] p = pools.get(r.gpuModel() + "/" + r.gpuMemoryGiB());
            if (p != null) {
                p[2] -= r.gpus();
            }
        }
        for (ClusterWorkload w : direct) {
            WorkloadSpec spec = w.spec.withDefaults();
            int replicas = spec.replicas();
            WorkloadSpec.Resources r = spec.resources();
            cpuFree -= replicas * CpuQuantity.parse(r.cpu() == null ? "0" : r.cpu()).map(CpuQuantity::millicores).orElse(0L);
            memoryFree -= replicas * MemoryQuantity.parse(r.memory() == null ? "0" : r.memory()).map(MemoryQuantity::bytes).orElse(0L);
            takeGpus(pools, replicas * (r.gpu() == null ? 0 : r.gpu()), r.gpuMemoryGiB() == null ? 0 : r.gpuMemoryGiB());
        }
        List<GpuPool> gpus = pools.entrySet().stream().map(e -> new GpuPool(models.get(e.getKey()), e.getValue()[0],
                e.getValue()[1], Math.max(0, e.getValue()[2]))).toList();
        List<Taint> taints = fleet.taintsOf(c).stream().map(FleetSnapshots::taint).toList();
        List<ServedWorkload> serving = reported.stream()
                .filter(r -> "Available".equals(r.condition) && r.endpoint != null && aliasByPolicy.containsKey(r.key.name()))
                .map(r -> new ServedWorkload(r.key.name(), aliasByPolicy.get(r.key.name()), r.endpoint))
                .toList();
        return new ClusterState(c.id, c.labels, c.jurisdiction, new GeoPoint(c.latitude, c.longitude), health(c), taints, gpus,
                cpu, clamp(cpuFree, cpu), memory, clamp(memoryFree, memory), loadOf(c.id), Map.of(), serving);
    }

    /** The latest telemetry's mean GPU utilisation and waiting requests; idle when none has arrived. */
    private Load loadOf(String clusterId) {
        return latest.of(clusterId).map(e -> {
            TelemetryReport r = e.report();
            double gpu = latest.gpuUtilization(clusterId).orElse(0) / 100;
            double waiting = r.getInferenceList().stream().mapToDouble(InferenceLoad::getRequestsWaiting).sum();
            return new Load((int) Math.min(Integer.MAX_VALUE, Math.round(Math.max(0, waiting))), Math.max(0, Math.min(1, gpu)));
        }).orElse(Load.IDLE);
    }

    /** Directly given workloads name no GPU model: they take from the smallest pools that are large enough. */
    private static void takeGpus(TreeMap<String, int[]> pools, int needed, int memoryGiB) {
        var adequate = pools.values().stream().filter(p -> p[0] >= memoryGiB)
                .sorted((a, b) -> Integer.compare(a[0], b[0])).toList();
        for (int[] p : adequate) {
            int take = Math.min(needed, Math.max(0, p[2]));
            p[2] -= take;
            needed -= take;
        }
    }

    private Health health(Cluster c) {
        if (!config.requireOnline()) {
            return Health.READY;
        }
        if (c.lastReportAt() == null) {
            return Health.UNKNOWN;
        }
        // offline within the grace period still counts: a short outage moves nothing
        return c.placementOffline ? Health.OFFLINE : Health.READY;
    }

    private static Taint taint(ClusterTaint t) {
        TaintEffect effect = Arrays.stream(TaintEffect.values()).filter(e -> e.yamlName().equals(t.effect())).findFirst()
                .orElseThrow(() -> new IllegalStateException("stored taint effect '" + t.effect() + "' is unknown"));
        return new Taint(t.key(), t.value(), effect);
    }

    private static long clamp(long free, long capacity) {
        return Math.max(0, Math.min(free, capacity));
    }

    /** {@code cluster/workload}: how {@link Inventory#direct()} names a workload. */
    public static String workloadKey(String clusterId, String workload) {
        return clusterId + "/" + workload;
    }
}
