package io.flotilla.controlplane.routing;

import io.flotilla.placement.routing.LiveLoad;
import io.flotilla.placement.routing.LiveLoads;
import io.flotilla.proto.v1.InferenceLoad;
import io.flotilla.proto.v1.LoadReport;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The newest live load of each cluster, in memory only (it changes every couple of seconds and is worthless after
 * a few): what the router reads for the nearest candidates of every request. Lock-free: one immutable entry per
 * cluster in a {@link ConcurrentHashMap}, replaced whole; a report older (by its own time) than the one held is
 * dropped, and an entry received more than {@code maxAge} ago counts as absent. Nothing here rebuilds the
 * {@code Router}: live load is applied at query time.
 */
@Singleton
public final class LiveLoadTable implements LiveLoads {

    /** One cluster's report: its time (agent's clock, ms), when it arrived (our nanos), and its workloads' loads. */
    private record Held(long reportMillis, long receivedNanos, String[] workloads, LiveLoad[] loads) {
    }

    private final ConcurrentHashMap<String, Held> byCluster = new ConcurrentHashMap<>();
    private final long maxAgeNanos;
    private final LongSupplier nanoTime;

    @Inject
    LiveLoadTable(RouterConfig config) {
        this(config.liveLoadMaxAge(), System::nanoTime);
    }

    /** @param maxAge how long a report counts: about three times the agents' {@code flotilla.agent.load.interval} */
    public LiveLoadTable(Duration maxAge, LongSupplier nanoTime) {
        this.maxAgeNanos = maxAge.toNanos();
        this.nanoTime = nanoTime;
    }

    /** Keeps {@code report} unless a newer one from its cluster is already held. @return whether it was kept */
    public boolean offer(LoadReport report) {
        int n = report.getLoadsCount();
        var workloads = new String[n];
        var loads = new LiveLoad[n];
        for (int i = 0; i < n; i++) {
            InferenceLoad l = report.getLoads(i);
            workloads[i] = l.getWorkload();
            loads[i] = new LiveLoad(l.getRequestsWaiting(), l.getRequestsRunning(), l.getKvCacheUsage());
        }
        long millis = report.getTime().getSeconds() * 1000 + report.getTime().getNanos() / 1_000_000;
        Held offered = new Held(millis, nanoTime.getAsLong(), workloads, loads);
        Held kept = byCluster.merge(report.getClusterId(), offered,
                (held, o) -> o.reportMillis() >= held.reportMillis() ? o : held);
        return kept == offered;
    }

    @Override
    public LiveLoad of(String clusterId, String workload) {
        Held h = byCluster.get(clusterId);
        if (h == null || nanoTime.getAsLong() - h.receivedNanos() > maxAgeNanos) {
            return null;
        }
        String[] w = h.workloads();
        for (int i = 0; i < w.length; i++) {
            if (w[i].equals(workload)) {
                return h.loads()[i];
            }
        }
        return null;
    }

    /** Forgets entries older than {@code maxAge}, so that clusters gone for good do not stay. */
    public void prune() {
        long now = nanoTime.getAsLong();
        byCluster.values().removeIf(h -> now - h.receivedNanos() > maxAgeNanos);
    }

    public int size() {
        return byCluster.size();
    }
}
