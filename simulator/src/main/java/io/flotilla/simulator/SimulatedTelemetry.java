package io.flotilla.simulator;

import com.google.protobuf.Timestamp;
import io.flotilla.proto.v1.CpuSample;
import io.flotilla.proto.v1.DesiredState;
import io.flotilla.proto.v1.GpuSample;
import io.flotilla.proto.v1.InferenceLoad;
import io.flotilla.proto.v1.InferenceWorkload;
import io.flotilla.proto.v1.LatencyProbe;
import io.flotilla.proto.v1.MemorySample;
import io.flotilla.proto.v1.TelemetryReport;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Telemetry of one simulated site: a seeded random walk per GPU (utilisation, with memory,
 * temperature and power following it), node CPU and memory, vLLM-like queue figures per desired
 * workload, and a round-trip time to the control plane from the site's distance to Frankfurt.
 * Load rises with the number of workloads the cluster runs. Called by the agent's own telemetry
 * timer (one thread per agent), so it needs no locking beyond that.
 */
final class SimulatedTelemetry implements Supplier<TelemetryReport> {

    private static final double GIB = 1024.0 * 1024 * 1024;

    private final SimCluster cluster;
    private final Supplier<Optional<DesiredState>> desired;
    private final Clock clock;
    private final SplittableRandom random;
    private final double[] gpuLoad;
    private final double[] gpuTemp;
    private final Map<String, Double> queue = new HashMap<>();
    private final double baseRttMs;
    private double cpuLoad;
    private double memoryLoad;

    SimulatedTelemetry(SimCluster cluster, Supplier<Optional<DesiredState>> desired, Clock clock, long seed) {
        this.cluster = cluster;
        this.desired = desired;
        this.clock = clock;
        this.random = new SplittableRandom(seed ^ cluster.id().hashCode() * 0x9E3779B97F4A7C15L);
        this.gpuLoad = new double[cluster.gpuCount()];
        this.gpuTemp = new double[cluster.gpuCount()];
        for (int i = 0; i < gpuLoad.length; i++) {
            gpuLoad[i] = 0.02 + random.nextDouble() * 0.05;
            gpuTemp[i] = 35 + random.nextDouble() * 5;
        }
        this.cpuLoad = 0.05 + random.nextDouble() * 0.1;
        this.memoryLoad = 0.1 + random.nextDouble() * 0.1;
        // ~1 ms per 100 km of great-circle distance, plus the last mile
        this.baseRttMs = 4 + distanceKm(cluster.latitude(), cluster.longitude(), 50.11, 8.68) / 100;
    }

    @Override
    public TelemetryReport get() {
        Instant now = clock.instant();
        Optional<DesiredState> state = desired.get();
        int workloads = state.map(DesiredState::getWorkloadsCount).orElse(0);
        long busyGpus = state.map(s -> s.getWorkloadsList().stream()
                .mapToLong(w -> (long) Math.max(0, w.getReplicas()) * Math.max(0, w.getResources().getGpu())).sum())
                .orElse(0L);

        TelemetryReport.Builder report = TelemetryReport.newBuilder()
                .setClusterId(cluster.id())
                .setTime(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()));

        for (int i = 0; i < gpuLoad.length; i++) {
            double target = i < busyGpus ? 0.55 : 0.03;
            gpuLoad[i] = walk(gpuLoad[i], target, 0.08);
            double tempTarget = 32 + 50 * gpuLoad[i];
            gpuTemp[i] += (tempTarget - gpuTemp[i]) * 0.3 + random.nextDouble(-0.5, 0.5);
            long totalMib = cluster.gpuMemoryGiB() * 1024L;
            double memoryShare = i < busyGpus ? 0.85 + random.nextDouble() * 0.1 : 0.01;
            report.addGpus(GpuSample.newBuilder()
                    .setIndex(i)
                    .setUuid("GPU-" + cluster.id() + "-" + i)
                    .setModel(cluster.gpuModel().equals("A100") ? "NVIDIA A100-SXM4-80GB" : "NVIDIA L4")
                    .setUtilizationPercent(round1(gpuLoad[i] * 100))
                    .setMemoryUsedMib(Math.round(totalMib * memoryShare))
                    .setMemoryTotalMib(totalMib)
                    .setTemperatureCelsius(round1(gpuTemp[i]))
                    .setPowerWatts(round1(cluster.gpuIdleWatts()
                            + (cluster.gpuMaxWatts() - cluster.gpuIdleWatts()) * gpuLoad[i])));
        }

        cpuLoad = walk(cpuLoad, 0.08 + 0.06 * workloads, 0.04);
        memoryLoad = walk(memoryLoad, 0.12 + 0.08 * workloads, 0.02);
        report.setCpu(CpuSample.newBuilder()
                .setUsedCores(round1(cpuLoad * cluster.cpuCores()))
                .setCapacityCores(cluster.cpuCores())
                .setAllocatableCores(cluster.cpuCores() - 1));
        long memoryBytes = (long) (cluster.memoryGiB() * GIB);
        report.setMemory(MemorySample.newBuilder()
                .setUsedBytes(Math.round(memoryLoad * memoryBytes))
                .setCapacityBytes(memoryBytes)
                .setAllocatableBytes(memoryBytes - (long) (2 * GIB)));

        state.ifPresent(s -> {
            for (InferenceWorkload w : s.getWorkloadsList()) {
                double waiting = Math.max(0, walk(queue.getOrDefault(w.getName(), 1.0), 2.0, 1.5));
                queue.put(w.getName(), waiting);
                double running = Math.max(0, 6 + random.nextDouble(-3, 6)) * Math.max(1, w.getReplicas());
                report.addInference(InferenceLoad.newBuilder()
                        .setWorkload(w.getName())
                        .setRequestsRunning(Math.round(running))
                        .setRequestsWaiting(Math.round(waiting))
                        .setKvCacheUsage(round3(Math.min(0.98, 0.2 + 0.05 * running + random.nextDouble() * 0.1))));
            }
            queue.keySet().retainAll(s.getWorkloadsList().stream().map(InferenceWorkload::getName).toList());
        });

        report.addLatency(LatencyProbe.newBuilder()
                .setTarget("control-plane")
                .setRttMs(round1(baseRttMs * (1 + random.nextDouble() * 0.15))));
        return report.build();
    }

    /** One step of a mean-reverting random walk in [0, 1]. */
    private double walk(double value, double target, double step) {
        double next = value + (Math.min(1, target) - value) * 0.25 + random.nextDouble(-step, step);
        return Math.max(0, Math.min(1, next));
    }

    private static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    static double distanceKm(double lat1, double lon1, double lat2, double lon2) {
        double p1 = Math.toRadians(lat1);
        double p2 = Math.toRadians(lat2);
        double dp = p2 - p1;
        double dl = Math.toRadians(lon2 - lon1);
        double a = Math.sin(dp / 2) * Math.sin(dp / 2) + Math.cos(p1) * Math.cos(p2) * Math.sin(dl / 2) * Math.sin(dl / 2);
        return 6371 * 2 * Math.atan2(Math.sqrt(a), Math.sqrt(1 - a));
    }
}
