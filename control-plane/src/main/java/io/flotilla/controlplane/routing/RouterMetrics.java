package io.flotilla.controlplane.routing;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The router's meters. Cluster ids become tag values only up to a bound (a fleet of thousands must not blow up the
 * scrape); the rest count as {@code other}. Meters are cached so the request path does no registry look-up.
 */
final class RouterMetrics {

    static final String OTHER = "other";

    private final MeterRegistry registry;
    private final int maxClusterTags;
    private final Set<String> taggedClusters = ConcurrentHashMap.newKeySet();
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<Routed, Counter> routed = new ConcurrentHashMap<>();
    private final Timer addedLatency;

    RouterMetrics(MeterRegistry registry, int maxClusterTags) {
        this.registry = registry;
        this.maxClusterTags = maxClusterTags;
        this.addedLatency = Timer.builder("flotilla.router.added.latency")
                .description("Time spent in the router on a proxied request: from its arrival to the upstream request "
                        + "being sent (failed attempts included), plus from the upstream's response headers to ours")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(20_000))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
        // zero series from the start, so that rates and the router's alerts read 0 rather than nothing
        for (String endpoint : List.of("chat/completions", "completions", "embeddings")) {
            rejectedRequests(endpoint);
        }
        for (String reason : List.of("no_eligible_cluster", "no_cluster_available", "fleet_unavailable", "upstream_timeout",
                "invalid_upstream_response")) {
            rejections(reason);
        }
        counter("flotilla.router.failovers", "cluster", "none", "reason", "none");
    }

    /** A request answered by a cluster (whatever its status). */
    void routed(String endpoint, String cluster, int status) {
        // every answered request comes here: found by a small key, without building the meter's name and tags
        var key = new Routed(endpoint, cluster, status / 100);
        Counter c = routed.get(key);
        if (c == null) {
            c = routed.computeIfAbsent(key, k -> counter("flotilla.router.requests", "endpoint", endpoint, "outcome", "routed",
                    "cluster", clusterTag(cluster), "status", k.statusClass() + "xx"));
        }
        c.increment();
    }

    /** What a routed request's counter is found by; several clusters past the tag bound share the "other" counter. */
    private record Routed(String endpoint, String cluster, int statusClass) {
    }

    /** A request the router answered itself: refused (4xx), nowhere to go (503), or failed upstream (502, 504). */
    void rejected(String endpoint, String reason) {
        rejectedRequests(endpoint).increment();
        rejections(reason).increment();
    }

    private Counter rejectedRequests(String endpoint) {
        return counter("flotilla.router.requests", "endpoint", endpoint, "outcome", "rejected", "cluster", "none",
                "status", "none");
    }

    private Counter rejections(String reason) {
        return counter("flotilla.router.rejections", "reason", reason);
    }

    void failover(String fromCluster, String reason) {
        counter("flotilla.router.failovers", "cluster", clusterTag(fromCluster), "reason", reason).increment();
    }

    void ejected(String cluster) {
        counter("flotilla.router.ejections", "cluster", clusterTag(cluster)).increment();
    }

    /** An answer cut because its cluster stopped sending in the middle of it (idle timeout). */
    void stalled(String cluster) {
        counter("flotilla.router.stalls", "cluster", clusterTag(cluster)).increment();
    }

    void addedLatency(long nanos) {
        addedLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    private String clusterTag(String cluster) {
        if (taggedClusters.contains(cluster)) {
            return cluster;
        }
        if (taggedClusters.size() < maxClusterTags && taggedClusters.add(cluster)) {
            return cluster;
        }
        return taggedClusters.contains(cluster) ? cluster : OTHER;
    }

    private Counter counter(String name, String... tags) {
        String key = name + String.join("\u0000", tags);
        Counter c = counters.get(key);
        if (c == null) {
            c = counters.computeIfAbsent(key, k -> Counter.builder(name).tags(tags).register(registry));
        }
        return c;
    }
}
