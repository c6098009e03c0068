package io.flotilla.bench;

import io.flotilla.placement.routing.RouteQuery;
import io.flotilla.placement.routing.Router;
import java.util.Arrays;
import java.util.Comparator;

/**
 * The cost of each prepared route query on its own: every query of {@link RouteBenchmark}'s set runs
 * {@code rounds} times and keeps its fastest run. On a shared machine the fastest of many runs is little
 * disturbed by other processes, so two builds measured one after the other compare fairly; the slowest
 * queries are printed with what they asked for.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.flotilla.bench.RouteQueryCost [rounds] [clusters]</pre>
 */
public final class RouteQueryCost {

    private RouteQueryCost() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        int clusters = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        var fleet = new FleetGenerator(42, clusters, 1000);
        Router router = Router.build(fleet.snapshot(), fleet.policies(), fleet.catalog());
        RouteQuery[] queries = fleet.queries(4096);
        long[] best = new long[queries.length];
        Arrays.fill(best, Long.MAX_VALUE);
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < queries.length; i++) {
                long start = System.nanoTime();
                router.route(queries[i]);
                best[i] = Math.min(best[i], System.nanoTime() - start);
            }
        }
        long[] sorted = best.clone();
        Arrays.sort(sorted);
        System.out.printf("%d queries, fastest of %d runs each, %d clusters: mean %d ns, p50 %d, p90 %d, p99 %d, max %d%n",
                queries.length, rounds, clusters, Arrays.stream(best).sum() / best.length, sorted[sorted.length / 2],
                sorted[(int) (sorted.length * 0.9)], sorted[(int) (sorted.length * 0.99)], sorted[sorted.length - 1]);
        Integer[] slowest = new Integer[queries.length];
        Arrays.setAll(slowest, i -> i);
        Arrays.sort(slowest, Comparator.comparingLong(i -> -best[i]));
        for (int k = 0; k < 5; k++) {
            RouteQuery q = queries[slowest[k]];
            System.out.printf("  %6d ns  %s from %s%s, allowed %s%n", best[slowest[k]], q.alias(), q.site().orElse("point"),
                    q.site().isPresent() ? "" : " " + q.client(), q.allowed().map(Object::toString).orElse("(policy's own)"));
        }
    }
}
