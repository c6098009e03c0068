package io.flotilla.controlplane.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotilla.controlplane.fleet.FleetSnapshots;
import io.flotilla.controlplane.fleet.PlacementConfig;
import io.flotilla.placement.ClusterState;
import io.flotilla.placement.FilterPlugin;
import io.flotilla.placement.FleetSnapshot;
import io.flotilla.placement.GpuPool;
import io.flotilla.placement.Health;
import io.flotilla.placement.Load;
import io.flotilla.placement.PlacementDecision;
import io.flotilla.placement.PlacementEngine;
import io.flotilla.placement.PlacementPlugins;
import io.flotilla.placement.PlacementResult;
import io.flotilla.policy.FleetPolicy;
import io.flotilla.policy.JurisdictionCatalog;
import io.flotilla.policy.PolicyParser;
import io.flotilla.policy.PolicySet;
import io.flotilla.policy.Sites;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The control plane's long-lived engine: fed a fleet read afresh each run (every cluster a new object), it tells
 * the engine which clusters changed, so that one cluster's change re-places from the last run, with the same
 * decisions as a new engine.
 */
class LivePlacementTest {

    private static final JurisdictionCatalog CATALOG = JurisdictionCatalog.builtIn();
    private static final Sites SITES = Sites.builtIn();
    private static final List<String> CITIES = List.of("frankfurt", "paris", "amsterdam", "madrid", "milan", "warsaw", "stockholm", "dublin");
    private static final List<String> COUNTRIES = List.of("DE", "FR", "NL", "ES", "IT", "PL", "SE", "IE");

    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final LivePlacement live = new LivePlacement(CATALOG, SITES, config(5), metrics);
    private final List<FleetPolicy> policies = valid(PolicyParser.standard().parse("p.yaml", """
            apiVersion: flotilla.io/v1alpha1
            kind: FleetPolicy
            metadata: { name: chat }
            spec:
              workload: { model: m, image: i, resources: { gpu: 1, cpu: "1", memory: 1Gi } }
              placement: { jurisdictions: [EU], minClusters: 2, maxClusters: 3 }
            ---
            apiVersion: flotilla.io/v1alpha1
            kind: FleetPolicy
            metadata: { name: embed }
            spec:
              workload: { model: e, image: i, resources: { gpu: 0, cpu: "1", memory: 1Gi } }
              placement: { jurisdictions: [DE, FR], minClusters: 1, maxClusters: 1 }
            """));

    @Test
    void oneClustersHealthChangeRePlacesFromTheLastRunWithTheDecisionsOfANewEngine() {
        PlacementResult first = live.place(inventory(fleet(c -> c), Set.of()), policies, PlacementResult.EMPTY);
        assertThat(live.lastRunStats().incremental()).isFalse();
        String chosen = first.decision("chat").orElseThrow().chosen().get(0).clusterId();

        FleetSnapshot changed = fleet(c -> c.id().equals(chosen) ? with(c, Health.OFFLINE, c.load()) : c);
        PlacementResult second = live.place(inventory(changed, Set.of()), policies, first);

        PlacementEngine.RunStats stats = live.lastRunStats();
        assertThat(stats.incremental()).isTrue();
        assertThat(stats.changedClusters()).isEqualTo(1);
        assertThat(second.decision("chat").orElseThrow().chosen()).extracting(a -> a.clusterId()).doesNotContain(chosen);
        assertThat(second.decisions()).isEqualTo(fresh(Set.of()).place(changed, policies, first).decisions());
        assertThat(metrics.get("flotilla.placement.engine").tag("mode", "incremental").timer().count()).isEqualTo(1);
        assertThat(metrics.get("flotilla.placement.engine").tag("mode", "full").timer().count()).isEqualTo(1);
    }

    @Test
    void loadThatMovedLessThanTheHysteresisCountsAsUnchangedAndMoreDoesNot() {
        PlacementResult placed = live.place(inventory(fleet(c -> c), Set.of()), policies, PlacementResult.EMPTY);
        // steady state: the decisions in force are the last run's
        PlacementResult first = live.place(inventory(fleet(c -> c), Set.of()), policies, placed);
        assertThat(chosenIds(first)).isEqualTo(chosenIds(placed));

        // 0.9 → 0.905 utilisation: a load penalty of 50 → 52.5 ms, under 5 ms of movement; below the 80 % knee 0 ms
        live.place(inventory(fleet(c -> with(c, c.health(), new Load(0, c.id().endsWith("1") ? 0.905 : 0.3))), Set.of()), policies, first);
        assertThat(live.lastRunStats()).isEqualTo(new PlacementEngine.RunStats(true, 0, 0));

        // one waiting request more: 10 ms
        live.place(inventory(fleet(c -> with(c, c.health(), new Load(c.id().equals("eu-3") ? 1 : 0, c.id().endsWith("1") ? 0.905 : 0.3))),
                Set.of()), policies, first);
        assertThat(live.lastRunStats().changedClusters()).isEqualTo(1);
    }

    @Test
    void aChangeToTheDirectlyGivenWorkloadsStartsANewEngine() {
        PlacementResult first = live.place(inventory(fleet(c -> c), Set.of()), policies, PlacementResult.EMPTY);
        String chosen = first.decision("embed").orElseThrow().chosen().get(0).clusterId();
        Set<String> direct = Set.of(FleetSnapshots.workloadKey(chosen, "embed"));

        PlacementResult second = live.place(inventory(fleet(c -> c), direct), policies, first);

        assertThat(live.lastRunStats().incremental()).isFalse();
        PlacementDecision embed = second.decision("embed").orElseThrow();
        assertThat(embed.chosen()).extracting(a -> a.clusterId()).doesNotContain(chosen);
        assertThat(embed.exclusion(chosen).orElseThrow().reasons()).extracting(r -> r.source()).contains("direct-workload");
        assertThat(second.decisions()).isEqualTo(fresh(direct).place(fleet(c -> c), policies, first).decisions());
    }

    private static List<List<String>> chosenIds(PlacementResult result) {
        return result.decisions().stream().map(d -> d.chosen().stream().map(a -> a.clusterId()).toList()).toList();
    }

    private static List<FleetPolicy> valid(PolicySet set) {
        assertThat(set.errors()).as(set.formatErrors()).isEmpty();
        return set.policies();
    }

    /** Eight EU clusters, each read as new objects, as the control plane reads them from the database each run. */
    private static FleetSnapshot fleet(UnaryOperator<ClusterState> change) {
        var clusters = new ArrayList<ClusterState>();
        for (int i = 0; i < CITIES.size(); i++) {
            var state = new ClusterState("eu-" + i, Map.of(), COUNTRIES.get(i), SITES.find(CITIES.get(i)).orElseThrow().location(),
                    Health.READY, List.of(), List.of(new GpuPool("L4", 24, 4, 4)), 32_000, 32_000, 128L << 30, 128L << 30,
                    new Load(0, i == 1 ? 0.9 : 0.3), Map.of(), List.of());
            clusters.add(change.apply(state));
        }
        return new FleetSnapshot(Instant.EPOCH, clusters);
    }

    private static ClusterState with(ClusterState c, Health health, Load load) {
        return new ClusterState(c.id(), c.labels(), c.jurisdiction(), c.location(), health, c.taints(), c.gpus(), c.cpuMillicores(),
                c.cpuMillicoresFree(), c.memoryBytes(), c.memoryBytesFree(), load, c.rttMsBySite(), c.serving());
    }

    private static FleetSnapshots.Inventory inventory(FleetSnapshot fleet, Set<String> direct) {
        return new FleetSnapshots.Inventory(fleet, List.of(), Map.of(), direct);
    }

    private static PlacementEngine fresh(Set<String> direct) {
        var filters = new ArrayList<FilterPlugin>(PlacementPlugins.standard().filters());
        filters.add(new DirectWorkloadFilter(direct));
        return new PlacementEngine(CATALOG, SITES, new PlacementPlugins(filters, PlacementPlugins.standard().scores()));
    }

    @Test
    void aWeightForAScoreThatDoesNotExistStopsTheStartNamingTheScoresThereAre() {
        assertThatThrownBy(() -> new LivePlacement(CATALOG, SITES, config(5, Map.of("latncy", 60.0)), metrics))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'latncy'").hasMessageContaining("latency, load, spread, steadiness");
    }

    private static PlacementConfig config(double hysteresisMs) {
        return config(hysteresisMs, Map.of());
    }

    private static PlacementConfig config(double hysteresisMs, Map<String, Double> weights) {
        return new PlacementConfig() {
            @Override
            public boolean requireOnline() {
                return true;
            }

            @Override
            public Duration debounce() {
                return Duration.ofSeconds(1);
            }

            @Override
            public Duration offlineGrace() {
                return Duration.ofMinutes(5);
            }

            @Override
            public double loadHysteresisMs() {
                return hysteresisMs;
            }

            @Override
            public Map<String, Double> scoreWeights() {
                return weights;
            }
        };
    }
}
