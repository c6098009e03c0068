package io.flotilla.bench;

import io.flotilla.placement.FleetSnapshot;
import io.flotilla.placement.Load;
import io.flotilla.placement.PlacementEngine;
import io.flotilla.placement.PlacementResult;
import io.flotilla.policy.FleetPolicy;
import io.flotilla.policy.Sites;
import java.util.List;
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
 * Full placement of {@code policies} policies over {@code clusters} clusters (goal at most 1 s), and
 * re-placement after one cluster's load changed (goal at most 5 ms): the previous result is the steady state
 * of the unchanged fleet, and each call alternates that cluster between two loads, so every call sees a change.
 * A full placement uses a new engine each time, so that it cannot start from the engine's last run (per-snapshot
 * indexing included in the time); re-placement uses one engine, as a control loop would.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms6g", "-Xmx6g"})
public class PlacementBenchmark {

    @Param("10000")
    int clusters;

    @Param("1000")
    int policies;

    @Param("42")
    long seed;

    private PlacementEngine engine;
    private FleetGenerator fleet;
    private FleetSnapshot snapshot;
    private List<FleetPolicy> policyList;
    private PlacementResult steady;
    private FleetSnapshot[] changed;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        fleet = new FleetGenerator(seed, clusters, policies);
        engine = new PlacementEngine(fleet.catalog(), Sites.builtIn());
        snapshot = fleet.snapshot();
        policyList = fleet.policies();
        steady = engine.place(snapshot, policyList, engine.place(snapshot, policyList, PlacementResult.EMPTY));
        int index = clusters / 3;
        changed = new FleetSnapshot[] {
            fleet.withLoad(snapshot, index, new Load(3, 0.95)),
            fleet.withLoad(snapshot, index, new Load(0, 0.10)),
        };
    }

    @Benchmark
    public PlacementResult fullPlacement() {
        return new PlacementEngine(fleet.catalog(), Sites.builtIn()).place(snapshot, policyList, PlacementResult.EMPTY);
    }

    @Benchmark
    public PlacementResult replacementAfterLoadChange() {
        FleetSnapshot s = changed[next];
        next ^= 1;
        return engine.place(s, policyList, steady);
    }
}
