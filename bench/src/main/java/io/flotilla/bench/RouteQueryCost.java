package io.flotilla.bench;

import io.flotilla.placement.ClusterState;
import io.flotilla.placement.routing.AffinitySlack;
import io.flotilla.placement.routing.LiveLoad;
import io.flotilla.placement.routing.LiveLoads;
import io.flotilla.placement.routing.RouteQuery;
import io.flotilla.placement.routing.Router;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The cost of each prepared route query on its own: every query of {@link RouteBenchmark}'s set runs
 * {@code rounds} times and keeps its fastest and its median run, then once more on a new router (as after a fleet
 * change: nothing found on first use is kept yet). On a shared machine the fastest of many runs is little
 * disturbed by other processes, so two builds measured one after the other compare fairly; the slowest
 * queries are printed with what they asked for.
 *
 * <p>With {@code live} as third argument, each query also gets every cluster's live load (random queues and KV
 * caches, looked up in a map as the control plane's table does) and a preferred cluster for affinity, which is what
 * the inference router asks; compare with a run without it to see what live load adds to a decision.
 *
 * <p>With {@code new-sets} as third argument, it measures instead what a request naming a set of allowed
 * jurisdictions not seen before costs (the router builds that set's index; docs/routing.md): 2,000 random sets of
 * EU countries per round, each asked twice, for {@code rounds} rounds.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.flotilla.bench.RouteQueryCost [rounds] [clusters] [live|new-sets]</pre>
 */
public final class RouteQueryCost {

    private RouteQueryCost() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        int clusters = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        boolean withLive = args.length > 2 && args[2].equals("live");
        var fleet = new FleetGenerator(42, clusters, 1000);
        Router router = Router.build(fleet.snapshot(), fleet.policies(), fleet.catalog());
        if (args.length > 2 && args[2].equals("new-sets")) {
            newSets(fleet, router, rounds);
            return;
        }
        LiveLoads live = withLive ? liveLoads(fleet) : LiveLoads.NONE;
        String preferred = withLive ? fleet.snapshot().clusters().get(0).id() : null;
        RouteQuery[] queries = fleet.queries(4096);
        long[][] runs = new long[queries.length][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < queries.length; i++) {
                long start = System.nanoTime();
                router.route(queries[i], live, preferred, AffinitySlack.DEFAULT);
                runs[i][r] = System.nanoTime() - start;
            }
        }
        long[] best = new long[queries.length];
        long[] median = new long[queries.length];
        for (int i = 0; i < queries.length; i++) {
            Arrays.sort(runs[i]);
            best[i] = runs[i][0];
            median[i] = runs[i][rounds / 2];
        }
        String what = queries.length + " queries" + (withLive ? " with live load" : "") + ", " + rounds + " runs each, "
                + clusters + " clusters";
        System.out.printf("%s, fastest run of each: %s%n", what, distribution(best));
        // the median run of each query keeps what a cold cache costs (every other query ran in between) and drops
        // what other processes cost now and then
        System.out.printf("%s, median run of each: %s%n", what, distribution(median));
        // a new fleet snapshot builds a new router: its orders, kept answers and nearby cells are made again on first use
        Router fresh = Router.build(fleet.snapshot(), fleet.policies(), fleet.catalog());
        long built = usedHeap();
        long[] first = new long[queries.length];
        for (int i = 0; i < queries.length; i++) {
            long start = System.nanoTime();
            fresh.route(queries[i], live, preferred, AffinitySlack.DEFAULT);
            first[i] = System.nanoTime() - start;
        }
        long kept = usedHeap() - built;
        System.out.printf("%s, first run of each on a new router: %s%n", what, distribution(first));
        System.out.printf("kept by the new router after one run of each query: %.1f MB of heap%n", kept / 1e6);
        Reference.reachabilityFence(fresh);
        Integer[] slowest = new Integer[queries.length];
        Arrays.setAll(slowest, i -> i);
        Arrays.sort(slowest, Comparator.comparingLong(i -> -median[i]));
        System.out.println("slowest by their median run (fastest, median):");
        for (int k = 0; k < 5; k++) {
            RouteQuery q = queries[slowest[k]];
            System.out.printf("  %6d ns %6d ns  %s from %s%s, allowed %s%n", best[slowest[k]], median[slowest[k]], q.alias(), q.site().orElse("point"),
                    q.site().isPresent() ? "" : " " + q.client(), q.allowed().map(Object::toString).orElse("(policy's own)"));
        }
    }

    /** Heap in use after a full collection. */
    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    private static String distribution(long[] perQuery) {
        long[] sorted = perQuery.clone();
        Arrays.sort(sorted);
        return String.format("mean %d ns, p50 %d, p90 %d, p99 %d, max %d", Arrays.stream(sorted).sum() / sorted.length,
                sorted[sorted.length / 2], sorted[(int) (sorted.length * 0.9)], sorted[(int) (sorted.length * 0.99)],
                sorted[sorted.length - 1]);
    }

    /** A request naming a set of jurisdictions the router has not seen, then the same request again; means per round. */
    static void newSets(FleetGenerator fleet, Router router, int rounds) {
        RouteQuery first = fleet.queries(1)[0];
        List<String> eu = fleet.catalog().allowed("EU").countries().stream().sorted().toList();
        var random = new SplittableRandom(11);
        int perRound = 2_000;
        for (int r = 0; r < rounds; r++) {
            long fresh = 0;
            long again = 0;
            for (int i = 0; i < perRound; i++) {
                var named = new ArrayList<String>();
                eu.forEach(c -> {
                    if (random.nextBoolean()) {
                        named.add(c);
                    }
                });
                named.add("US");
                var q = new RouteQuery(first.alias(), first.client(), Optional.empty(),
                        Optional.of(fleet.catalog().allowed(named)), RouteQuery.DEFAULT_LIMIT);
                long start = System.nanoTime();
                router.route(q);
                long between = System.nanoTime();
                router.route(q);
                again += System.nanoTime() - between;
                fresh += between - start;
            }
            System.out.printf("round %d, model %s, %d random sets of EU countries: a new set %d ns, the same set again %d ns (means)%n",
                    r + 1, first.alias(), perRound, fresh / perRound, again / perRound);
        }
    }

    /** Every cluster's every workload with a random live load, in a concurrent map keyed as the control plane's. */
    static LiveLoads liveLoads(FleetGenerator fleet) {
        var random = new SplittableRandom(7);
        var byCluster = new ConcurrentHashMap<String, LiveLoad>();
        for (ClusterState c : fleet.snapshot().clusters()) {
            byCluster.put(c.id(), new LiveLoad(random.nextInt(30), 1 + random.nextInt(16), random.nextDouble()));
        }
        return (cluster, workload) -> byCluster.get(cluster);
    }
}
