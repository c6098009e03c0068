package io.flotilla.controlplane.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.controlplane.telemetry.ClusterMetrics.FleetState;
import io.flotilla.controlplane.telemetry.ClusterMetrics.Reading;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ClusterMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ClusterMetrics metrics = new ClusterMetrics(null, null, null, 3, registry);

    @Test
    void clustersBeyondTheCapAreFoldedIntoOneOtherSeries() {
        metrics.publish(IntStream.range(0, 10).mapToObj(i -> new Reading("c" + i, 10.0 * i, i, 5.0 * i)).toList());

        assertThat(series("flotilla.cluster.report.age")).containsOnlyKeys("c0", "c1", "c2", "_other")
                .containsEntry("c2", 20.0).containsEntry("_other", 90.0);
        assertThat(series("flotilla.cluster.generation.lag")).hasSize(4).containsEntry("_other", 9.0);
        // mean of c3..c9: 15..45
        assertThat(series("flotilla.cluster.gpu.utilization")).hasSize(4).containsEntry("_other", 30.0);
        assertThat(registry.get("flotilla.cluster.series.folded").gauge().value()).isEqualTo(7.0);
    }

    @Test
    void seriesOfRemovedClustersGoAwayAndTheirPlaceGoesToAFoldedCluster() {
        metrics.publish(List.of(reading("a"), reading("b"), reading("c"), reading("d"), reading("e")));
        metrics.publish(List.of(reading("a"), reading("c"), reading("d"), reading("e")));

        assertThat(series("flotilla.cluster.report.age")).containsOnlyKeys("a", "c", "d", "_other");
        assertThat(series("flotilla.cluster.generation.lag")).doesNotContainKey("b");

        metrics.publish(List.of(reading("a"), reading("c")));
        assertThat(series("flotilla.cluster.report.age")).containsOnlyKeys("a", "c");
        assertThat(registry.get("flotilla.cluster.series.folded").gauge().value()).isZero();
    }

    @Test
    void aClusterKeepsItsSeriesWhenClustersThatSortBeforeItJoin() {
        metrics.publish(List.of(reading("m"), reading("n"), reading("o"), reading("p")));
        metrics.publish(List.of(reading("a"), reading("m"), reading("n"), reading("o"), reading("p")));

        assertThat(series("flotilla.cluster.report.age")).containsOnlyKeys("m", "n", "o", "_other");
    }

    @Test
    void clustersThatNeverReportedHaveNoAgeOrGpuSeriesButDoHaveALag() {
        metrics.publish(List.of(new Reading("quiet", null, 2, null)));

        assertThat(series("flotilla.cluster.report.age")).isEmpty();
        assertThat(series("flotilla.cluster.gpu.utilization")).isEmpty();
        assertThat(series("flotilla.cluster.generation.lag")).containsOnly(Map.entry("quiet", 2.0));
    }

    @Test
    void everyStateOfAJurisdictionWithClustersHasASeriesAndGoneJurisdictionsLoseTheirs() {
        metrics.publishFleet(Map.of("DE", Map.of(FleetState.ONLINE, 2L, FleetState.OFFLINE_BEYOND_GRACE, 1L),
                "FR", Map.of(FleetState.UNKNOWN, 1L)));

        Map<String, Double> fleet = new TreeMap<>();
        registry.find("flotilla.fleet.clusters").gauges().forEach(g -> fleet.put(g.getId().getTag("jurisdiction") + " "
                + g.getId().getTag("state"), g.value()));
        assertThat(fleet).hasSize(8).containsEntry("DE online", 2.0).containsEntry("DE offline_beyond_grace", 1.0)
                .containsEntry("DE offline", 0.0).containsEntry("DE unknown", 0.0).containsEntry("FR unknown", 1.0)
                .containsEntry("FR online", 0.0);

        metrics.publishFleet(Map.of("FR", Map.of(FleetState.ONLINE, 1L)));
        assertThat(registry.find("flotilla.fleet.clusters").tag("jurisdiction", "DE").gauges()).isEmpty();
    }

    private static Reading reading(String id) {
        return new Reading(id, 1.0, 0, 50.0);
    }

    private Map<String, Double> series(String name) {
        Map<String, Double> values = new TreeMap<>();
        for (Gauge g : registry.find(name).gauges()) {
            values.put(g.getId().getTag("cluster"), g.value());
        }
        return values;
    }
}
