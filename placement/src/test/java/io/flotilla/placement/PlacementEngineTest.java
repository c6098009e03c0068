package io.flotilla.placement;

import static io.flotilla.placement.Fixtures.CATALOG;
import static io.flotilla.placement.Fixtures.SITES;
import static io.flotilla.placement.Fixtures.cluster;
import static io.flotilla.placement.Fixtures.fleet;
import static io.flotilla.placement.Fixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.policy.FleetPolicy;
import io.flotilla.policy.TaintEffect;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PlacementEngineTest {

    private final PlacementEngine engine = new PlacementEngine(CATALOG, SITES);

    private PlacementDecision placeOne(FleetSnapshot fleet, FleetPolicy policy) {
        return engine.place(fleet, List.of(policy), PlacementResult.EMPTY).decision(policy.name()).orElseThrow();
    }

    static Stream<Arguments> exclusions() {
        return Stream.of(
                Arguments.of("jurisdiction outside the policy's",
                        cluster("c").site("new-york").gpus("A100", 2, 80), policy("p").jurisdictions("EU"),
                        "jurisdiction: jurisdiction US-NY is not in [EU]"),
                Arguments.of("subdivision not the allowed one",
                        cluster("c").site("bengaluru").gpus("A100", 2, 80), policy("p").jurisdictions("IN-MH"),
                        "jurisdiction: jurisdiction IN-KA is not in [IN-MH]"),
                Arguments.of("too little GPU memory",
                        cluster("c").gpus("L4", 4, 16), policy("p").gpu(1, 24),
                        "gpu-fit: needs 24 GiB GPU memory per GPU, largest free is 16 GiB"),
                Arguments.of("no GPU at all",
                        cluster("c"), policy("p").gpu(1, 0),
                        "gpu-fit: needs 1 GPU, cluster has none"),
                Arguments.of("wrong GPU model",
                        cluster("c").gpus("L4", 4, 24).gpus("T4", 2, 16), policy("p").gpu(1, 0).gpuModel("A100"),
                        "gpu-fit: needs GPU model A100, cluster has [L4, T4]"),
                Arguments.of("not enough free GPUs for all replicas",
                        cluster("c").gpus("A100", 4, 1, 80), policy("p").gpu(1, 40).replicas(2),
                        "gpu-fit: needs 2 free GPUs of at least 40 GiB (2 replicas x 1), 1 free"),
                Arguments.of("not enough CPU",
                        cluster("c").gpus("A100", 4, 80).cpu(16, 6), policy("p").cpu(4).replicas(2),
                        "cpu-memory-fit: needs 8 CPU (2 x 4), 6 free"),
                Arguments.of("not enough memory",
                        cluster("c").gpus("A100", 4, 80).memoryGiB(64, 8), policy("p").memoryGiB(16),
                        "cpu-memory-fit: needs 16Gi memory (1 x 16Gi), 8Gi free"),
                Arguments.of("label missing",
                        cluster("c").gpus("A100", 4, 80).label("tier", "core"), policy("p").selector("tier", "edge"),
                        "selector: label tier=edge required, cluster has tier=core"),
                Arguments.of("untolerated taint",
                        cluster("c").gpus("A100", 4, 80).taint("dedicated", "training", TaintEffect.NO_SCHEDULE), policy("p").tolerates("dedicated", "inference"),
                        "taints: taint dedicated=training:NoSchedule is not tolerated"),
                Arguments.of("offline",
                        cluster("c").gpus("A100", 4, 80).health(Health.OFFLINE), policy("p"),
                        "health: cluster is OFFLINE"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("exclusions")
    void leavesAClusterOutWithAReasonAPersonCanRead(String why, Fixtures.ClusterBuilder c, Fixtures.PolicyBuilder p, String reason) {
        PlacementDecision d = placeOne(fleet(c), p.build());
        assertThat(d.chosen()).isEmpty();
        assertThat(d.exclusion("c").orElseThrow().reasons()).extracting(Object::toString).containsExactly(reason);
        assertThat(d.shortfall()).isPresent();
    }

    @Test
    void listsEveryFailedFilterNotJustTheFirst() {
        PlacementDecision d = placeOne(fleet(cluster("c").site("new-york").health(Health.DEGRADED)), policy("p").build());
        assertThat(d.exclusion("c").orElseThrow().reasons()).extracting(ClusterExclusion.Reason::source)
                .containsExactly("jurisdiction", "health", "gpu-fit");
    }

    @Test
    void toleratedTaintsAndPreferNoScheduleDoNotExclude() {
        PlacementDecision d = placeOne(fleet(
                cluster("a").gpus("A100", 1, 80).taint("dedicated", "inference", TaintEffect.NO_SCHEDULE),
                cluster("b").gpus("A100", 1, 80).taint("spot", "", TaintEffect.PREFER_NO_SCHEDULE)),
                policy("p").tolerates("dedicated", "inference").clusters(2, 2).build());
        assertThat(d.chosen()).extracting(ClusterAssignment::clusterId).containsExactly("a", "b");
    }

    @Test
    void choosesTheClustersNearestToDemand() {
        PlacementDecision d = placeOne(fleet(
                        cluster("fra").site("frankfurt").gpus("A100", 1, 80),
                        cluster("mad").site("madrid").gpus("A100", 1, 80),
                        cluster("par").site("paris").gpus("A100", 1, 80)),
                policy("p").demandAt("paris", 3).demandAt("frankfurt", 1).clusters(1, 2).build());
        assertThat(d.chosen()).extracting(ClusterAssignment::clusterId).containsExactly("par", "fra");
        assertThat(d.exclusion("mad").orElseThrow().reasons()).singleElement().asString()
                .matches("rank: ranked below maxClusters cut \\(score \\d+\\.\\d, maxClusters 2\\)");
        assertThat(d.chosen().get(0).breakdown()).containsOnlyKeys("latency", "load", "spread", "steadiness");
        assertThat(d.satisfied()).isTrue();
    }

    @Test
    void measuredRoundTripsOutweighDistance() {
        PlacementDecision d = placeOne(fleet(
                        cluster("near").site("paris").gpus("A100", 1, 80).rtt("paris", 40),
                        cluster("far").site("frankfurt").gpus("A100", 1, 80).rtt("paris", 9)),
                policy("p").demandAt("paris", 1).build());
        assertThat(d.chosen()).extracting(ClusterAssignment::clusterId).containsExactly("far");
    }

    @Test
    void avoidsASaturatedClusterWhenAnotherIsNearlyAsClose() {
        PlacementDecision d = placeOne(fleet(
                        cluster("busy").site("paris").gpus("A100", 1, 80).load(20, 1.0),
                        cluster("idle").site("brussels").gpus("A100", 1, 80)),
                policy("p").demandAt("paris", 1).build());
        assertThat(d.chosen()).extracting(ClusterAssignment::clusterId).containsExactly("idle");
    }

    @Test
    void twoPoliciesNeverBothGetTheLastGpu() {
        FleetSnapshot fleet = fleet(cluster("only").gpus("A100", 8, 1, 80));
        PlacementResult r = engine.place(fleet, List.of(policy("b-second").build(), policy("a-first").build()), PlacementResult.EMPTY);
        assertThat(r.decision("a-first").orElseThrow().chosen()).extracting(ClusterAssignment::clusterId).containsExactly("only");
        PlacementDecision second = r.decision("b-second").orElseThrow();
        assertThat(second.chosen()).isEmpty();
        assertThat(second.exclusion("only").orElseThrow().reasons()).extracting(Object::toString)
                .containsExactly("gpu-fit: needs 1 free GPU, none free");
        assertThat(second.shortfall()).contains("only 0 of minClusters 1 clusters fit (of 1 clusters, excluded by gpu-fit: 1)");
    }

    @Test
    void reportsAShortfallButKeepsWhatFits() {
        PlacementDecision d = placeOne(fleet(
                        cluster("de").gpus("A100", 1, 80),
                        cluster("us").site("new-york").gpus("A100", 1, 80),
                        cluster("in").site("mumbai").gpus("A100", 1, 80)),
                policy("p").clusters(2, 3).build());
        assertThat(d.chosen()).extracting(ClusterAssignment::clusterId).containsExactly("de");
        assertThat(d.shortfall()).contains("only 1 of minClusters 2 clusters fit (of 3 clusters, excluded by jurisdiction: 2)");
    }

    @Test
    void spreadsAcrossValuesOfTheSpreadByLabel() {
        PlacementDecision d = placeOne(fleet(
                        cluster("fra-1").site("frankfurt").label("region", "de").gpus("A100", 1, 80),
                        cluster("fra-2").site("frankfurt").label("region", "de").gpus("A100", 1, 80),
                        cluster("mil").site("milan").label("region", "it").gpus("A100", 1, 80)),
                policy("p").demandAt("frankfurt", 1).spreadBy("region").clusters(2, 2).build());
        assertThat(d.chosen()).extracting(ClusterAssignment::clusterId).containsExactly("fra-1", "mil");
    }

    @Test
    void staysOnThePreviousClusterRatherThanMoveForASlightlyBetterOne() {
        FleetPolicy p = policy("p").demandAt("paris", 1).build();
        FleetSnapshot before = fleet(cluster("brussels").site("brussels").gpus("A100", 1, 80));
        PlacementResult first = engine.place(before, List.of(p), PlacementResult.EMPTY);
        // the policy now holds brussels' only GPU; a cluster opens in Paris
        FleetSnapshot after = fleet(cluster("brussels").site("brussels").gpus("A100", 1, 0, 80),
                cluster("paris").site("paris").gpus("A100", 1, 80));
        PlacementDecision again = engine.place(after, List.of(p), first).decision("p").orElseThrow();
        assertThat(again.chosen()).extracting(ClusterAssignment::clusterId).containsExactly("brussels");
        assertThat(again.chosen().get(0).breakdown()).containsEntry("steadiness", 100.0);
        PlacementDecision fresh = engine.place(after, List.of(p), PlacementResult.EMPTY).decision("p").orElseThrow();
        assertThat(fresh.chosen()).extracting(ClusterAssignment::clusterId).containsExactly("paris");
    }

    @Test
    void breaksTiesByClusterId() {
        PlacementDecision d = placeOne(fleet(cluster("b").gpus("A100", 1, 80), cluster("a").gpus("A100", 1, 80)), policy("p").build());
        assertThat(d.chosen()).extracting(ClusterAssignment::clusterId).containsExactly("a");
        assertThat(d.excluded()).extracting(ClusterExclusion::clusterId).containsExactly("b");
    }

    @Test
    void reservesReplicasTimesResourcesFromTheSmallestAdequatePool() {
        PlacementDecision d = placeOne(fleet(cluster("c").gpus("H100", 8, 80).gpus("L40S", 8, 48).gpus("L4", 8, 24)),
                policy("p").gpu(2, 40).replicas(3).cpu(2).memoryGiB(8).build());
        assertThat(d.chosen().get(0).reservation()).isEqualTo(new Reservation("L40S", 48, 6, 6000, 24L << 30));
        assertThat(d.chosen().get(0).replicas()).isEqualTo(3);
    }
}
