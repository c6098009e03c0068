package io.flotilla.simulator;

import com.google.protobuf.Timestamp;
import io.flotilla.proto.v1.DesiredState;
import io.flotilla.proto.v1.InferenceLoad;
import io.flotilla.proto.v1.InferenceWorkload;
import io.flotilla.proto.v1.LoadReport;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Live load of one simulated cluster's model servers, for the router: per desired workload a seeded random walk
 * of requests waiting (around one), a batch of two to eight running and a KV cache following it. Called by one
 * scheduled task at a time (a fixed-delay task never overlaps itself), so it needs no locking.
 */
final class SimulatedLoad implements Supplier<LoadReport> {

    private final String clusterId;
    private final Supplier<Optional<DesiredState>> desired;
    private final Clock clock;
    private final SplittableRandom random;
    private final Map<String, Double> waiting = new HashMap<>();

    SimulatedLoad(String clusterId, Supplier<Optional<DesiredState>> desired, Clock clock, long seed) {
        this.clusterId = clusterId;
        this.desired = desired;
        this.clock = clock;
        this.random = new SplittableRandom(seed ^ clusterId.hashCode() * 0xBF58476D1CE4E5B9L);
    }

    @Override
    public LoadReport get() {
        Instant now = clock.instant();
        LoadReport.Builder report = LoadReport.newBuilder().setClusterId(clusterId)
                .setTime(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()));
        desired.get().ifPresent(state -> {
            for (InferenceWorkload w : state.getWorkloadsList()) {
                double queue = Math.max(0, waiting.getOrDefault(w.getName(), 1.0) * 0.7 + 0.3 + random.nextDouble(-1, 1));
                waiting.put(w.getName(), queue);
                double running = 2 + random.nextInt(7);
                report.addLoads(InferenceLoad.newBuilder().setWorkload(w.getName())
                        .setRequestsWaiting(Math.round(queue))
                        .setRequestsRunning(running)
                        .setKvCacheUsage(Math.min(0.95, 0.1 * running + random.nextDouble() * 0.1)));
            }
        });
        return report.build();
    }
}
