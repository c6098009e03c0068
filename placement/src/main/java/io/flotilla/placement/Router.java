package io.flotilla.placement;

import io.flotilla.policy.AllowedJurisdictions;
import io.flotilla.policy.FleetPolicy;
import io.flotilla.policy.JurisdictionCatalog;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Route decisions over one fleet snapshot. Built once per snapshot (everything that does not depend on the
 * client is computed here: per alias, the healthy serving clusters with their unit vectors and load
 * penalties, already checked against their own policy's jurisdictions); each query then filters by the
 * request's jurisdictions (cached per alias and jurisdiction set) and ranks by distance and load.
 * Thread-safe; immutable apart from that cache.
 */
public final class Router {

    /** One healthy cluster serving one alias, for the policy it serves it under. */
    private static final class Entry {
        final ClusterState cluster;
        final ServedWorkload served;
        final double x;
        final double y;
        final double z;
        final double penaltyMs;
        final double maxLatencyMs;

        Entry(ClusterState cluster, ServedWorkload served, double maxLatencyMs) {
            this.cluster = cluster;
            this.served = served;
            double[] u = NetworkLatency.unit(cluster.location());
            this.x = u[0];
            this.y = u[1];
            this.z = u[2];
            this.penaltyMs = NetworkLatency.loadPenaltyMs(cluster.load(), cluster.health());
            this.maxLatencyMs = maxLatencyMs;
        }
    }

    /** What is known about an alias before any query. */
    private record AliasIndex(Entry[] entries, int serving, int healthy, TreeSet<String> servedIn) {
    }

    private record CacheKey(String alias, Optional<AllowedJurisdictions> allowed) {
    }

    private final Map<String, AliasIndex> byAlias;
    private final Map<CacheKey, Entry[]> allowedCache = new ConcurrentHashMap<>();

    private Router(Map<String, AliasIndex> byAlias) {
        this.byAlias = byAlias;
    }

    /**
     * @param policies the current policies: a cluster serves an alias only under a known policy, and only if
     *        that policy's jurisdictions admit it (a stale replica outside them gets no traffic)
     */
    public static Router build(FleetSnapshot snapshot, List<FleetPolicy> policies, JurisdictionCatalog jurisdictions) {
        Map<String, FleetPolicy> byName = new HashMap<>();
        Map<String, AllowedJurisdictions> policyAllowed = new HashMap<>();
        for (FleetPolicy p : policies) {
            byName.put(p.name(), p);
            policyAllowed.put(p.name(), jurisdictions.allowed(p.spec().placement().jurisdictions()));
        }
        Map<String, List<Entry>> entries = new HashMap<>();
        Map<String, int[]> counts = new HashMap<>();
        Map<String, TreeSet<String>> servedIn = new HashMap<>();
        for (ClusterState c : snapshot.clusters()) {
            var seen = new HashSet<String>();
            for (ServedWorkload s : c.serving()) {
                FleetPolicy policy = byName.get(s.policyName());
                if (policy == null || !policy.spec().routing().alias().equals(s.alias()) || !seen.add(s.alias())) {
                    continue;
                }
                int[] n = counts.computeIfAbsent(s.alias(), a -> new int[2]);
                n[0]++;
                boolean healthy = c.health() == Health.READY || c.health() == Health.DEGRADED;
                if (!healthy || !SovereigntyGuard.permits(policyAllowed.get(s.policyName()), c)) {
                    continue;
                }
                n[1]++;
                servedIn.computeIfAbsent(s.alias(), a -> new TreeSet<>()).add(c.jurisdiction());
                double max = policy.spec().routing().maxLatencyMs().map(Integer::doubleValue).orElse(Double.POSITIVE_INFINITY);
                entries.computeIfAbsent(s.alias(), a -> new ArrayList<>()).add(new Entry(c, s, max));
            }
        }
        Map<String, AliasIndex> index = new HashMap<>();
        counts.forEach((alias, n) -> index.put(alias, new AliasIndex(
                entries.getOrDefault(alias, List.of()).toArray(Entry[]::new), n[0], n[1], servedIn.getOrDefault(alias, new TreeSet<>()))));
        return new Router(Map.copyOf(index));
    }

    public RouteDecision route(RouteQuery q) {
        AliasIndex index = byAlias.get(q.alias());
        if (index == null) {
            return RouteDecision.none(q.alias(), "no cluster serves model '" + q.alias() + "'");
        }
        if (index.entries().length == 0) {
            return RouteDecision.none(q.alias(), "no healthy cluster serves model '" + q.alias() + "' ("
                    + index.serving() + " serve it, none READY or DEGRADED)");
        }
        Entry[] allowed = allowedCache.computeIfAbsent(new CacheKey(q.alias(), q.allowed()), k -> admitted(index, k.allowed()));
        if (allowed.length == 0) {
            return RouteDecision.none(q.alias(), "no healthy cluster serving model '" + q.alias() + "' is in "
                    + q.allowed().map(Object::toString).orElse("the allowed jurisdictions") + "; it is served in " + index.servedIn());
        }
        double[] c = NetworkLatency.unit(q.client());
        String site = q.site().orElse(null);
        int k = Math.min(q.limit(), allowed.length);
        Entry[] top = new Entry[k];
        double[] topTotal = new double[k];
        double[] topNetwork = new double[k];
        boolean[] topMeasured = new boolean[k];
        int size = 0;
        double nearestBeyond = Double.POSITIVE_INFINITY;
        for (Entry e : allowed) {
            Double rtt = site == null ? null : e.cluster.rttMsBySite().get(site);
            double network = rtt != null ? rtt
                    : NetworkLatency.estimatedRttMs(NetworkLatency.kmBetweenUnitVectors(c[0], c[1], c[2], e.x, e.y, e.z));
            if (network > e.maxLatencyMs) {
                nearestBeyond = Math.min(nearestBeyond, network);
                continue;
            }
            double total = network + e.penaltyMs;
            if (size == k && !better(total, e, topTotal[k - 1], top[k - 1])) {
                continue;
            }
            int i = size < k ? size++ : k - 1;
            while (i > 0 && better(total, e, topTotal[i - 1], top[i - 1])) {
                top[i] = top[i - 1];
                topTotal[i] = topTotal[i - 1];
                topNetwork[i] = topNetwork[i - 1];
                topMeasured[i] = topMeasured[i - 1];
                i--;
            }
            top[i] = e;
            topTotal[i] = total;
            topNetwork[i] = network;
            topMeasured[i] = rtt != null;
        }
        if (size == 0) {
            return RouteDecision.none(q.alias(), String.format(Locale.ROOT,
                    "all %d eligible clusters serving model '%s' are beyond their maxLatencyMs (nearest %.0f ms)",
                    allowed.length, q.alias(), nearestBeyond));
        }
        var candidates = new ArrayList<RouteCandidate>(size);
        for (int i = 0; i < size; i++) {
            Entry e = top[i];
            candidates.add(new RouteCandidate(e.cluster.id(), e.cluster.jurisdiction(), topTotal[i], topNetwork[i], e.penaltyMs,
                    topMeasured[i], e.served.endpoint(), e.served.policyName()));
        }
        return new RouteDecision(q.alias(), candidates, Optional.empty());
    }

    private static boolean better(double total, Entry e, double otherTotal, Entry other) {
        return total < otherTotal || (total == otherTotal && e.cluster.id().compareTo(other.cluster.id()) < 0);
    }

    private static Entry[] admitted(AliasIndex index, Optional<AllowedJurisdictions> allowed) {
        if (allowed.isEmpty()) {
            return index.entries();
        }
        var list = new ArrayList<Entry>();
        for (Entry e : index.entries()) {
            if (SovereigntyGuard.permits(allowed.get(), e.cluster)) {
                list.add(e);
            }
        }
        return list.toArray(Entry[]::new);
    }
}
