package io.flotilla.bench;

import io.flotilla.placement.routing.RouteDecision;
import io.flotilla.placement.routing.RouteQuery;
import io.flotilla.placement.routing.Router;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One route decision over a fleet of {@code clusters} clusters: goal at least 1,000,000 decisions/s on one
 * core (Throughput) and p99 at most 2 µs (SampleTime). Queries cycle through 4,096 prepared ones (random
 * alias, client site or point, allowed jurisdictions), so the per-query jurisdiction cache is warm, as on a
 * server that has seen each jurisdiction set before.
 */
@State(Scope.Thread)
@BenchmarkMode({Mode.Throughput, Mode.SampleTime})
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class RouteBenchmark {

    @Param("10000")
    int clusters;

    @Param("42")
    long seed;

    private Router router;
    private RouteQuery[] queries;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        var fleet = new FleetGenerator(seed, clusters, 1000);
        router = Router.build(fleet.snapshot(), fleet.policies(), fleet.catalog());
        queries = fleet.queries(4096);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public RouteDecision route() {
        RouteQuery q = queries[next];
        next = (next + 1) & (queries.length - 1);
        return router.route(q);
    }
}
