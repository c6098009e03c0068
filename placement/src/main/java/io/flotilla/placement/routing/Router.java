package io.flotilla.placement.routing;

import io.flotilla.placement.ClusterState;
import io.flotilla.placement.FleetSnapshot;
import io.flotilla.placement.Health;
import io.flotilla.placement.NetworkLatency;
import io.flotilla.placement.ServedWorkload;
import io.flotilla.placement.SovereigntyGuard;
import io.flotilla.policy.AllowedJurisdictions;
import io.flotilla.policy.FleetPolicy;
import io.flotilla.policy.JurisdictionCatalog;
import io.flotilla.policy.Routing;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Route decisions over one fleet snapshot. Built once per snapshot (everything that does not depend on the
 * client is computed here: per alias, the healthy serving clusters with their unit vectors and load
 * penalties, already checked against their own policy's jurisdictions); each query then filters by the
 * request's jurisdictions (cached per alias and jurisdiction set, within bounds) and ranks by distance and load.
 * Thread-safe; immutable apart from that cache.
 */
public final class Router {

    /** One healthy cluster serving one alias, for the policy it serves it under. */
    static final class Entry {
        final ClusterState cluster;
        /** The cluster's id, jurisdiction and the served workload's endpoint and policy, at hand for the answer. */
        final String id;
        final String jurisdiction;
        final String endpoint;
        final String policyName;
        final double x;
        final double y;
        final double z;
        final double penaltyMs;
        final double maxLatencyMs;
        final double loadWeight;
        final double cacheWeight;
        final int maxQueue;

        Entry(ClusterState cluster, ServedWorkload served, double maxLatencyMs, Routing routing) {
            this.cluster = cluster;
            this.id = cluster.id();
            this.jurisdiction = cluster.jurisdiction();
            this.endpoint = served.endpoint();
            this.policyName = served.policyName();
            double[] u = NetworkLatency.unit(cluster.location());
            this.x = u[0];
            this.y = u[1];
            this.z = u[2];
            this.penaltyMs = NetworkLatency.loadPenaltyMs(cluster.load(), cluster.health());
            this.maxLatencyMs = maxLatencyMs;
            this.loadWeight = routing.loadWeightOrDefault();
            this.cacheWeight = routing.cacheWeightOrDefault();
            this.maxQueue = routing.maxQueueOrUnlimited();
        }

        /** A copy, so that an index can hold its entries next to each other in memory, in the order it reads them. */
        Entry(Entry other) {
            this.cluster = other.cluster;
            this.id = other.id;
            this.jurisdiction = other.jurisdiction;
            this.endpoint = other.endpoint;
            this.policyName = other.policyName;
            this.x = other.x;
            this.y = other.y;
            this.z = other.z;
            this.penaltyMs = other.penaltyMs;
            this.maxLatencyMs = other.maxLatencyMs;
            this.loadWeight = other.loadWeight;
            this.cacheWeight = other.cacheWeight;
            this.maxQueue = other.maxQueue;
        }
    }

    /**
     * What is known about an alias before any query, and its clusters per set of allowed jurisdictions. A request may
     * name any set, so both caches are bounded: sets that admit the same clusters share one index, at most
     * {@value #MAX_INDEXES} indexes and {@value #MAX_REMEMBERED_SETS} sets are kept per alias, and a full cache drops
     * an entry chosen at random to make room; a dropped index is forgotten by every set that pointed at it, so that
     * no more indexes stay alive than the bound (give or take one per request building an index at that moment). A
     * request whose set was dropped is answered the same, after its index is found or built again.
     */
    private static final class AliasIndex {
        final Entry[] entries;
        final int serving;
        final TreeSet<String> servedIn;
        private final Map<Optional<AllowedJurisdictions>, CandidateIndex> byAllowed = new ConcurrentHashMap<>();
        /** Keyed by the jurisdictions of the clusters a set admits, sorted. */
        private final Map<List<String>, CandidateIndex> byAdmitted = new ConcurrentHashMap<>();

        AliasIndex(Entry[] entries, int serving, TreeSet<String> servedIn) {
            this.entries = entries;
            this.serving = serving;
            this.servedIn = servedIn;
        }

        CandidateIndex candidates(Optional<AllowedJurisdictions> allowed) {
            CandidateIndex c = byAllowed.get(allowed);
            if (c != null) {
                return c;
            }
            // decided once per jurisdiction the alias is served in, not per cluster; sorted, as servedIn is
            List<String> key = allowed.isEmpty() ? List.copyOf(servedIn)
                    : servedIn.stream().filter(j -> SovereigntyGuard.permits(allowed.get(), j)).toList();
            c = byAdmitted.get(key);
            if (c == null) {
                while (byAdmitted.size() >= MAX_INDEXES) {
                    CandidateIndex dropped = dropOne(byAdmitted);
                    byAllowed.values().removeIf(v -> v == dropped);
                }
                c = byAdmitted.computeIfAbsent(key, k -> new CandidateIndex(admitted(entries, k)));
            }
            while (byAllowed.size() >= MAX_REMEMBERED_SETS) {
                dropOne(byAllowed);
            }
            CandidateIndex prior = byAllowed.putIfAbsent(allowed, c);
            return prior != null ? prior : c;
        }

        /** Removes an entry chosen at random and returns its value (null if another thread emptied the map first). */
        private static CandidateIndex dropOne(Map<?, CandidateIndex> map) {
            Iterator<? extends Map.Entry<?, CandidateIndex>> it = map.entrySet().iterator();
            for (int skip = ThreadLocalRandom.current().nextInt(Math.max(1, map.size())); skip > 0 && it.hasNext(); skip--) {
                it.next();
            }
            if (!it.hasNext()) {
                return null;
            }
            CandidateIndex value = it.next().getValue();
            it.remove();
            return value;
        }

        /** How many distinct indexes this alias can still reach, and how many sets it remembers; for tests. */
        int[] cached() {
            var reachable = Collections.newSetFromMap(new IdentityHashMap<CandidateIndex, Boolean>());
            reachable.addAll(byAdmitted.values());
            reachable.addAll(byAllowed.values());
            return new int[] {reachable.size(), byAllowed.size()};
        }
    }

    /** How many candidate indexes one alias keeps at most (one per set of clusters that requests' jurisdictions admit). */
    static final int MAX_INDEXES = 32;

    /** How many sets of allowed jurisdictions one alias remembers at most, each pointing at one of its indexes. */
    static final int MAX_REMEMBERED_SETS = 256;

    private final Map<String, AliasIndex> byAlias;

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
                entries.computeIfAbsent(s.alias(), a -> new ArrayList<>()).add(new Entry(c, s, max, policy.spec().routing()));
            }
        }
        Map<String, AliasIndex> index = new HashMap<>();
        counts.forEach((alias, n) -> index.put(alias, new AliasIndex(
                entries.getOrDefault(alias, List.of()).toArray(Entry[]::new), n[0], servedIn.getOrDefault(alias, new TreeSet<>()))));
        return new Router(Map.copyOf(index));
    }

    /** How many distinct candidate indexes {@code alias} can still reach, and how many jurisdiction sets it remembers; for tests. */
    int[] cached(String alias) {
        AliasIndex index = byAlias.get(alias);
        return index == null ? new int[2] : index.cached();
    }

    /** The ranking by network and snapshot load alone, as without live signals. */
    public RouteDecision route(RouteQuery q) {
        return route(q, LiveLoads.NONE, null, AffinitySlack.DEFAULT);
    }

    /**
     * The ranking with live load and affinity applied to the {@value #LIVE_CANDIDATES} (or {@code q.limit()}, if
     * more) nearest candidates only, so a decision stays O(K) however many clusters report load.
     *
     * @param live the latest live load per cluster and workload ({@link LiveLoads#NONE}: none)
     * @param preferred the cluster that served this request's session or prefix last, or null
     * @param slack how much worse than the best the preferred cluster may score and still be kept first
     */
    public RouteDecision route(RouteQuery q, LiveLoads live, String preferred, AffinitySlack slack) {
        AliasIndex index = byAlias.get(q.alias());
        if (index == null) {
            return RouteDecision.none(q.alias(), "no cluster serves model '" + q.alias() + "'");
        }
        if (index.entries.length == 0) {
            return RouteDecision.none(q.alias(), "no healthy cluster serves model '" + q.alias() + "' ("
                    + index.serving + " serve it, none READY or DEGRADED)");
        }
        CandidateIndex allowed = index.candidates(q.allowed());
        if (allowed.size() == 0) {
            return RouteDecision.none(q.alias(), "no healthy cluster serving model '" + q.alias() + "' is in "
                    + q.allowed().map(Object::toString).orElse("the allowed jurisdictions") + "; it is served in " + index.servedIn);
        }
        Scratch scratch = SCRATCH.get();
        boolean ranksLive = live != LiveLoads.NONE || preferred != null;
        TopK top = scratch.top(Math.min(ranksLive ? Math.max(q.limit(), LIVE_CANDIDATES) : q.limit(), allowed.size()));
        double nearestBeyond = allowed.search(q.client(), q.site().orElse(null), top, scratch.search);
        if (top.size == 0) {
            return RouteDecision.none(q.alias(), String.format(Locale.ROOT,
                    "all %d eligible clusters serving model '%s' are beyond their maxLatencyMs (nearest %.0f ms)",
                    allowed.size(), q.alias(), nearestBeyond));
        }
        List<String> notes = ranksLive ? LiveRanking.apply(top, live, preferred, slack) : List.of();
        int n = Math.min(top.size, q.limit());
        var candidates = new RouteCandidate[n];
        for (int i = 0; i < n; i++) {
            Entry e = top.entries[i];
            candidates[i] = new RouteCandidate(e.id, e.jurisdiction, top.totals[i], top.networks[i], e.penaltyMs,
                    top.measured[i], e.endpoint, e.policyName, ranksLive ? top.liveMs[i] : 0, ranksLive ? top.waiting[i] : -1);
        }
        return new RouteDecision(q.alias(), List.of(candidates), Optional.empty(), notes);
    }

    /** How many of the nearest candidates live load and affinity may reorder. */
    public static final int LIVE_CANDIDATES = 8;

    /** Working state of one thread's queries, reused so that a query allocates little more than its answer. */
    private static final class Scratch {
        final CandidateIndex.Scratch search = new CandidateIndex.Scratch();
        private TopK top = new TopK(RouteQuery.DEFAULT_LIMIT);

        TopK top(int k) {
            if (top.capacity() != k) {
                top = new TopK(k);
            }
            top.size = 0;
            return top;
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** The best {@code k} so far by (total, cluster id), best first, in a small insertion-sorted array. */
    static final class TopK {
        final Entry[] entries;
        final double[] totals;
        final double[] networks;
        final boolean[] measured;
        /** Set by {@link LiveRanking}: live load in ms (already in {@code totals}), waiting (-1: unknown), over maxQueue. */
        final double[] liveMs;
        final double[] waiting;
        final boolean[] over;
        int size;

        TopK(int k) {
            entries = new Entry[k];
            totals = new double[k];
            networks = new double[k];
            measured = new boolean[k];
            liveMs = new double[k];
            waiting = new double[k];
            over = new boolean[k];
        }

        /** Swaps positions {@code i} and {@code j} in every column. */
        void swap(int i, int j) {
            Entry e = entries[i];
            entries[i] = entries[j];
            entries[j] = e;
            swap(totals, i, j);
            swap(networks, i, j);
            swap(liveMs, i, j);
            swap(waiting, i, j);
            swap(measured, i, j);
            swap(over, i, j);
        }

        private static void swap(double[] a, int i, int j) {
            double t = a[i];
            a[i] = a[j];
            a[j] = t;
        }

        private static void swap(boolean[] a, int i, int j) {
            boolean t = a[i];
            a[i] = a[j];
            a[j] = t;
        }

        int capacity() {
            return entries.length;
        }

        /** The total a newcomer must beat (on a tie, by cluster id); infinite until k are held. */
        double threshold() {
            return size < entries.length ? Double.POSITIVE_INFINITY : totals[size - 1];
        }

        /** @param total {@code network} plus the entry's load penalty */
        void offer(Entry e, double network, double total, boolean wasMeasured) {
            int k = entries.length;
            if (size == k && !better(total, e, totals[k - 1], entries[k - 1])) {
                return;
            }
            int i = size < k ? size++ : k - 1;
            while (i > 0 && better(total, e, totals[i - 1], entries[i - 1])) {
                entries[i] = entries[i - 1];
                totals[i] = totals[i - 1];
                networks[i] = networks[i - 1];
                measured[i] = measured[i - 1];
                i--;
            }
            entries[i] = e;
            totals[i] = total;
            networks[i] = network;
            measured[i] = wasMeasured;
        }
    }

    static boolean better(double total, Entry e, double otherTotal, Entry other) {
        return total < otherTotal || (total == otherTotal && e.id.compareTo(other.id) < 0);
    }

    /** The entries whose cluster is in one of {@code jurisdictions}. */
    private static Entry[] admitted(Entry[] entries, List<String> jurisdictions) {
        var in = new HashSet<>(jurisdictions);
        return Arrays.stream(entries).filter(e -> in.contains(e.jurisdiction)).toArray(Entry[]::new);
    }
}
