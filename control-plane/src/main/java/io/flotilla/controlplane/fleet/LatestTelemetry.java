package io.flotilla.controlplane.fleet;

import io.flotilla.proto.v1.GpuSample;
import io.flotilla.proto.v1.TelemetryReport;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The newest telemetry report of each cluster, in memory: what placement and routing read on
 * their hot paths. One entry per cluster, so its size is bounded by the fleet.
 */
@ApplicationScoped
public class LatestTelemetry {

    public record Entry(TelemetryReport report, Instant receivedAt) {
    }

    private final Map<String, Entry> latest = new ConcurrentHashMap<>();

    /** Keeps {@code report} unless a newer one (by report time) is already held. */
    public void offer(TelemetryReport report, Instant receivedAt) {
        latest.merge(report.getClusterId(), new Entry(report, receivedAt), (held, offered) ->
                seconds(offered.report()) >= seconds(held.report()) ? offered : held);
    }

    public Optional<Entry> of(String clusterId) {
        return Optional.ofNullable(latest.get(clusterId));
    }

    /** The mean utilisation of the cluster's GPUs in its newest report; empty without a report or GPUs. */
    public OptionalDouble gpuUtilization(String clusterId) {
        Entry e = latest.get(clusterId);
        return e == null ? OptionalDouble.empty()
                : e.report().getGpusList().stream().mapToDouble(GpuSample::getUtilizationPercent).average();
    }

    public int size() {
        return latest.size();
    }

    private static double seconds(TelemetryReport r) {
        return r.getTime().getSeconds() + r.getTime().getNanos() / 1e9;
    }
}
