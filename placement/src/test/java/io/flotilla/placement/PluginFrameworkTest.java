package io.flotilla.placement;

import static io.flotilla.placement.Fixtures.CATALOG;
import static io.flotilla.placement.Fixtures.SITES;
import static io.flotilla.placement.Fixtures.cluster;
import static io.flotilla.placement.Fixtures.fleet;
import static io.flotilla.placement.Fixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotilla.policy.FleetPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A filter of the caller's own decides and explains like the standard ones; score weights come from the caller. */
class PluginFrameworkTest {

    /** Only clusters whose id starts with "x": a rule the engine has never heard of, given as reject alone. */
    private record XOnly() implements FilterPlugin {
        @Override
        public String name() {
            return "x-only";
        }

        @Override
        public Optional<String> reject(PlacementContext context, ClusterState cluster) {
            return cluster.id().startsWith("x") ? Optional.empty() : Optional.of("cluster id " + cluster.id() + " does not start with x");
        }

        @Override
        public boolean decidesPerCluster() {
            return true;
        }
    }

    /** The same rule prepared as a mask cached per snapshot, as the standard policy-independent filters are. */
    private record XOnlyCached() implements FilterPlugin {
        private static final Object KEY = new Object();

        @Override
        public String name() {
            return "x-only";
        }

        @Override
        public Optional<String> reject(PlacementContext context, ClusterState cluster) {
            return new XOnly().reject(context, cluster);
        }

        @Override
        public PreparedFilter prepare(PlacementContext context) {
            return PreparedFilter.cached(this, context, KEY, c -> c.id().startsWith("x"));
        }

        @Override
        public boolean decidesPerCluster() {
            return true;
        }

        @Override
        public boolean readsCapacity() {
            return false;
        }
    }

    static Stream<FilterPlugin> xOnly() {
        return Stream.of(new XOnly(), new XOnlyCached());
    }

    private static PlacementPlugins withFilter(FilterPlugin extra) {
        var filters = new ArrayList<>(PlacementPlugins.standard().filters());
        filters.add(extra);
        return new PlacementPlugins(filters, PlacementPlugins.standard().scores());
    }

    @ParameterizedTest
    @MethodSource("xOnly")
    void aFilterOfTheCallersOwnDecidesAndExplains(FilterPlugin filter) {
        var engine = new PlacementEngine(CATALOG, SITES, withFilter(filter));
        FleetPolicy p = policy("p").demandAt("paris", 1).build();
        FleetSnapshot fleet = fleet(
                cluster("a-paris").site("paris").gpus("A100", 1, 80),
                cluster("x-brussels").site("brussels").gpus("A100", 1, 80),
                cluster("x-frankfurt").site("frankfurt").gpus("A100", 1, 80));

        PlacementDecision d = engine.place(fleet, List.of(p), PlacementResult.EMPTY).decision("p").orElseThrow();

        assertThat(d.chosen()).extracting(ClusterAssignment::clusterId).containsExactly("x-brussels");
        assertThat(d.exclusion("a-paris").orElseThrow().reasons()).extracting(Object::toString)
                .containsExactly("x-only: cluster id a-paris does not start with x");
        assertThat(d.excludedBySource()).containsExactlyEntriesOf(new java.util.TreeMap<>(Map.of("rank", 1, "x-only", 1)));

        // a long-lived engine keeps deciding with it when a cluster changes, from its last run
        FleetSnapshot next = new FleetSnapshot(fleet.takenAt(), List.of(fleet.clusters().get(0),
                fleet.clusters().get(1), cluster("x-frankfurt").site("frankfurt").gpus("A100", 1, 80).load(1, 0.5).build()));
        PlacementResult again = engine.place(next, List.of(p), PlacementResult.EMPTY);
        assertThat(engine.lastRunStats().incremental()).isTrue();
        PlacementDecision d2 = again.decision("p").orElseThrow();
        assertThat(d2.chosen()).extracting(ClusterAssignment::clusterId).containsExactly("x-brussels");
        assertThat(d2.exclusion("a-paris").orElseThrow().reasons()).extracting(Object::toString)
                .containsExactly("x-only: cluster id a-paris does not start with x");
    }

    @Test
    void aShortfallCountsTheCallersFilter() {
        var engine = new PlacementEngine(CATALOG, SITES, withFilter(new XOnly()));
        PlacementDecision d = engine.place(fleet(cluster("a").gpus("A100", 1, 80), cluster("b").gpus("A100", 1, 80)),
                List.of(policy("p").build()), PlacementResult.EMPTY).decision("p").orElseThrow();
        assertThat(d.chosen()).isEmpty();
        assertThat(d.shortfall()).contains("only 0 of minClusters 1 clusters fit (of 2 clusters, excluded by x-only: 2)");
    }

    @Test
    void weightsFromTheCallerChangeTheRanking() {
        FleetPolicy p = policy("p").demandAt("paris", 1).build();
        FleetSnapshot fleet = fleet(
                cluster("near-busy").site("paris").gpus("A100", 1, 80).load(1, 0.0),
                cluster("far-idle").site("frankfurt").gpus("A100", 1, 80));

        PlacementDecision byDefault = new PlacementEngine(CATALOG, SITES, PlacementPlugins.standard())
                .place(fleet, List.of(p), PlacementResult.EMPTY).decision("p").orElseThrow();
        PlacementPlugins loadFirst = PlacementPlugins.standard(Map.of("latency", 10.0, "load", 80.0));
        PlacementDecision weighted = new PlacementEngine(CATALOG, SITES, loadFirst)
                .place(fleet, List.of(p), PlacementResult.EMPTY).decision("p").orElseThrow();

        assertThat(byDefault.chosen()).extracting(ClusterAssignment::clusterId).containsExactly("near-busy");
        assertThat(weighted.chosen()).extracting(ClusterAssignment::clusterId).containsExactly("far-idle");
        assertThat(loadFirst.weights()).containsExactly(Map.entry("latency", 10.0), Map.entry("load", 80.0),
                Map.entry("spread", 20.0), Map.entry("steadiness", 20.0));
    }

    @Test
    void theStandardWeightsAreTheDefaults() {
        assertThat(PlacementPlugins.standard().weights()).isEqualTo(PlacementPlugins.DEFAULT_WEIGHTS);
        assertThat(PlacementPlugins.DEFAULT_WEIGHTS).containsExactly(Map.entry("latency", 40.0), Map.entry("load", 20.0),
                Map.entry("spread", 20.0), Map.entry("steadiness", 20.0));
    }

    @Test
    void aWeightForAnUnknownScoreIsRefused() {
        assertThatThrownBy(() -> PlacementPlugins.standard(Map.of("latncy", 10.0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("weight given for unknown score plugin 'latncy' (score plugins: latency, load, spread, steadiness)");
        assertThatThrownBy(() -> PlacementPlugins.standard(Map.of("load", -1.0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("weight of score plugin 'load' must be a finite number >= 0, not -1.0");
    }

    @Test
    void rejectionsSayWhetherFreeCapacityCouldHelp() {
        FleetSnapshot fleet = fleet(cluster("c").site("new-york").cpu(2, 1));
        FleetPolicy p = policy("p").build();
        var ctx = new PlacementContext(fleet, p, CATALOG.allowed(p.spec().placement().jurisdictions()), SITES,
                new CapacityLedger(fleet), Optional.empty());
        var codes = new java.util.LinkedHashMap<String, Rejection.Code>();
        for (FilterPlugin f : PlacementPlugins.standard().filters()) {
            PreparedFilter prepared = f.prepare(ctx);
            if (!prepared.admits(0)) {
                Rejection r = prepared.rejection(0);
                assertThat(r.message()).isEqualTo(f.reject(ctx, fleet.clusters().get(0)).orElseThrow());
                codes.put(f.name(), r.code());
            }
        }
        assertThat(codes).containsExactly(
                Map.entry("jurisdiction", Rejection.Code.UNRESOLVABLE),
                Map.entry("gpu-fit", Rejection.Code.UNSCHEDULABLE),
                Map.entry("cpu-memory-fit", Rejection.Code.UNSCHEDULABLE));
    }
}
