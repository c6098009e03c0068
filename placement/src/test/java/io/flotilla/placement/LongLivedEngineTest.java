package io.flotilla.placement;

import static io.flotilla.placement.Fixtures.CATALOG;
import static io.flotilla.placement.Fixtures.SITES;
import static io.flotilla.placement.PlacementEngineMatchesReferenceTest.change;
import static io.flotilla.placement.PlacementEngineMatchesReferenceTest.cluster;
import static io.flotilla.placement.PlacementEngineMatchesReferenceTest.policies;
import static io.flotilla.placement.PlacementEngineMatchesReferenceTest.same;
import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.policy.FleetPolicy;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * One engine kept for the life of the control plane and fed a fleet that changes a few clusters at a time
 * (unchanged clusters keep their state object, as the control plane's placement memory hands them over) decides
 * exactly as a new engine given the same fleet, also with a filter of the caller's own that decides per cluster,
 * and it gets there by re-placing from its last run rather than from scratch.
 */
class LongLivedEngineTest {

    /** Keeps given policies off given clusters, like the control plane's filter for directly given workloads. */
    private record Occupied(Set<String> pairs) implements FilterPlugin {
        @Override
        public String name() {
            return "occupied";
        }

        @Override
        public Optional<String> reject(PlacementContext context, ClusterState cluster) {
            return pairs.contains(cluster.id() + "/" + context.policy().name())
                    ? Optional.of("cluster runs another '" + context.policy().name() + "'") : Optional.empty();
        }

        @Override
        public boolean decidesPerCluster() {
            return true;
        }
    }

    /** The same rule, not declared as deciding per cluster. */
    private record Opaque(Set<String> pairs) implements FilterPlugin {
        @Override
        public String name() {
            return "opaque";
        }

        @Override
        public Optional<String> reject(PlacementContext context, ClusterState cluster) {
            return new Occupied(pairs).reject(context, cluster);
        }
    }

    @Property(tries = 200)
    void anEngineFedDeltasDecidesAsANewEngine(@ForAll long seed) {
        var random = new Random(seed);
        List<FleetPolicy> policies = policies(random);
        var clusters = new ArrayList<ClusterState>();
        int n = 1 + random.nextInt(40);
        for (int i = 0; i < n; i++) {
            clusters.add(cluster(random, String.format("c%02d", i)));
        }
        var occupied = new HashSet<String>();
        for (ClusterState c : clusters) {
            for (FleetPolicy p : policies) {
                if (random.nextInt(8) == 0) {
                    occupied.add(c.id() + "/" + p.name());
                }
            }
        }
        PlacementPlugins plugins = withFilter(new Occupied(Set.copyOf(occupied)));
        var longLived = new PlacementEngine(CATALOG, SITES, plugins);

        FleetSnapshot fleet = new FleetSnapshot(Fixtures.T0, clusters);
        PlacementResult previous = longLived.place(fleet, policies, PlacementResult.EMPTY);
        same(previous, new PlacementEngine(CATALOG, SITES, plugins).place(fleet, policies, PlacementResult.EMPTY), "first placement");
        assertThat(longLived.lastRunStats().incremental()).isFalse();
        for (int round = 0; round < 6; round++) {
            fleet = change(random, fleet);
            PlacementResult got = longLived.place(fleet, policies, previous);
            same(got, new PlacementEngine(CATALOG, SITES, plugins).place(fleet, policies, previous), "delta " + round);
            PlacementEngine.RunStats stats = longLived.lastRunStats();
            assertThat(stats.incremental()).as("delta %d re-placed from the last run", round).isTrue();
            assertThat(stats.changedClusters()).isBetween(1, 3);
            assertThat(stats.policiesPlaced()).isBetween(0, policies.size());
            previous = got;
        }
    }

    @Test
    void aLongLivedEngineHoldsOnlyWhatItsLastRunNeeds() throws InterruptedException {
        var random = new Random(11);
        List<FleetPolicy> policies = policies(random);
        var clusters = new ArrayList<ClusterState>();
        for (int i = 0; i < 30; i++) {
            clusters.add(cluster(random, String.format("c%02d", i)));
        }
        var engine = new PlacementEngine(CATALOG, SITES, withFilter(new Occupied(Set.of())));
        FleetSnapshot fleet = new FleetSnapshot(Fixtures.T0, clusters);
        PlacementResult previous = engine.place(fleet, policies, PlacementResult.EMPTY);
        List<java.lang.ref.WeakReference<PlacementDecision>> first = previous.decisions().stream()
                .map(java.lang.ref.WeakReference::new).toList();
        int reused = 0;
        for (int round = 0; round < 5; round++) {
            fleet = change(random, fleet);
            previous = engine.place(fleet, policies, previous);
            assertThat(engine.lastRunStats().incremental()).isTrue();
            reused += policies.size() - engine.lastRunStats().policiesPlaced();
        }
        assertThat(reused).as("decisions carried over from the run before").isPositive();

        for (int i = 0; i < 50 && first.stream().anyMatch(d -> d.get() != null); i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertThat(first).as("the first run's decisions, five runs later (a run must not keep the one before alive)")
                .allSatisfy(d -> assertThat(d.get()).isNull());
        assertThat(previous.decisions()).hasSameSizeAs(policies);
    }

    @Test
    void aFilterThatDoesNotDecidePerClusterMakesEveryRunStartFromScratch() {
        var random = new Random(7);
        List<FleetPolicy> policies = policies(random);
        var clusters = new ArrayList<ClusterState>();
        for (int i = 0; i < 20; i++) {
            clusters.add(cluster(random, String.format("c%02d", i)));
        }
        var opaque = new PlacementEngine(CATALOG, SITES, withFilter(new Opaque(Set.of("c03/p0"))));
        var declared = new PlacementEngine(CATALOG, SITES, withFilter(new Occupied(Set.of("c03/p0"))));
        FleetSnapshot fleet = new FleetSnapshot(Fixtures.T0, clusters);
        PlacementResult first = opaque.place(fleet, policies, PlacementResult.EMPTY);
        declared.place(fleet, policies, PlacementResult.EMPTY);
        FleetSnapshot next = change(random, fleet);

        PlacementResult a = opaque.place(next, policies, first);
        PlacementResult b = declared.place(next, policies, first);

        assertThat(opaque.lastRunStats()).isEqualTo(new PlacementEngine.RunStats(false, 0, policies.size()));
        assertThat(declared.lastRunStats().incremental()).isTrue();
        assertThat(a.decisions().stream().map(PlacementDecision::chosen).toList())
                .isEqualTo(b.decisions().stream().map(PlacementDecision::chosen).toList());
    }

    private static PlacementPlugins withFilter(FilterPlugin extra) {
        var filters = new ArrayList<>(PlacementPlugins.standard().filters());
        filters.add(extra);
        return new PlacementPlugins(filters, PlacementPlugins.standard().scores());
    }
}
