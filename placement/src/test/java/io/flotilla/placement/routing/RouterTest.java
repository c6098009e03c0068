package io.flotilla.placement.routing;

import static io.flotilla.placement.Fixtures.CATALOG;
import static io.flotilla.placement.Fixtures.SITES;
import static io.flotilla.placement.Fixtures.at;
import static io.flotilla.placement.Fixtures.cluster;
import static io.flotilla.placement.Fixtures.fleet;
import static io.flotilla.placement.Fixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.flotilla.placement.Fixtures;
import io.flotilla.placement.FleetSnapshot;
import io.flotilla.placement.Health;
import io.flotilla.placement.NetworkLatency;
import io.flotilla.policy.FleetPolicy;
import io.flotilla.policy.GeoPoint;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RouterTest {

    private static final FleetPolicy CHAT_EU = policy("chat-eu").alias("chat").jurisdictions("EU").build();
    private static final FleetPolicy CHAT_IN = policy("chat-in").alias("chat").jurisdictions("IN").build();

    private static Router router(FleetSnapshot fleet, FleetPolicy... policies) {
        return Router.build(fleet, List.of(policies), CATALOG);
    }

    private static final FleetSnapshot FLEET = fleet(
            cluster("fra").site("frankfurt").serves("chat-eu", "chat"),
            cluster("par").site("paris").serves("chat-eu", "chat"),
            cluster("mad").site("madrid").serves("chat-eu", "chat"),
            cluster("bom").site("mumbai").serves("chat-in", "chat"),
            cluster("blr").site("bengaluru").serves("chat-in", "chat"));

    @Test
    void routesToTheNearestEligibleClusterFirst() {
        RouteDecision d = router(FLEET, CHAT_EU, CHAT_IN).route(RouteQuery.at("chat", at("brussels"), CATALOG.allowed("EU")));
        assertThat(d.candidates()).extracting(RouteCandidate::clusterId).containsExactly("par", "fra", "mad");
        RouteCandidate best = d.candidates().get(0);
        assertThat(best.jurisdiction()).isEqualTo("FR-IDF");
        assertThat(best.endpoint()).isEqualTo("https://par.edge.example:8443");
        assertThat(best.measured()).isFalse();
        assertThat(best.estimatedLatencyMs()).isCloseTo(NetworkLatency.estimatedRttMs(at("brussels"), at("paris")), within(1e-9));
    }

    @Test
    void routesToNearestEligibleClusterWhenLocalIsSaturated() {
        FleetSnapshot fleet = fleet(
                cluster("par").site("paris").load(30, 0.99).serves("chat-eu", "chat"),
                cluster("bru").site("brussels").serves("chat-eu", "chat"));
        RouteDecision d = router(fleet, CHAT_EU).route(RouteQuery.at("chat", at("paris"), null));
        assertThat(d.candidates()).extracting(RouteCandidate::clusterId).containsExactly("bru", "par");
        assertThat(d.candidates().get(1).loadPenaltyMs()).isCloseTo(30 * 10 + 95, within(1e-6));
    }

    @Test
    void neverRoutesOutsideTheRequestedJurisdictionsAndSaysWhy() {
        RouteDecision d = router(FLEET, CHAT_EU, CHAT_IN).route(RouteQuery.at("chat", at("mumbai"), CATALOG.allowed("EU")));
        assertThat(d.candidates()).extracting(RouteCandidate::jurisdiction).allMatch(j -> CATALOG.allowed("EU").allows(j));
        RouteDecision none = router(FLEET, CHAT_EU, CHAT_IN).route(RouteQuery.at("chat", at("mumbai"), CATALOG.allowed("US")));
        assertThat(none.candidates()).isEmpty();
        assertThat(none.reason()).contains("no healthy cluster serving model 'chat' is in [US]; it is served in "
                + "[DE-HE, ES-MD, FR-IDF, IN-KA, IN-MH]");
    }

    @Test
    void keepsItsCachesBoundedHoweverManyJurisdictionSetsRequestsName() {
        List<String> sites = List.of("frankfurt", "paris", "amsterdam", "brussels", "madrid", "lisbon", "milan", "vienna",
                "warsaw", "prague");
        List<String> countries = List.of("DE", "FR", "NL", "BE", "ES", "PT", "IT", "AT", "PL", "CZ");
        FleetSnapshot tenCountries = fleet(sites.stream().map(s -> cluster(s).site(s).serves("chat-eu", "chat"))
                .toArray(Fixtures.ClusterBuilder[]::new));
        Router router = router(tenCountries, CHAT_EU);
        // Every non-empty set of the ten countries admits a different set of clusters: 1,023 indexes unbounded.
        for (int round = 0; round < 2; round++) {
            for (int mask = 1; mask < 1 << countries.size(); mask++) {
                List<String> named = new ArrayList<>();
                List<String> expected = new ArrayList<>();
                for (int i = 0; i < countries.size(); i++) {
                    if ((mask & 1 << i) != 0) {
                        named.add(countries.get(i));
                        expected.add(sites.get(i));
                    }
                }
                expected.sort(Comparator.comparingDouble(s -> NetworkLatency.estimatedRttMs(at("vienna"), at(s))));
                RouteDecision d = router.route(RouteQuery.at("chat", at("vienna"), CATALOG.allowed(named)).withLimit(10));
                assertThat(d.candidates()).as("allowed %s", named).extracting(RouteCandidate::clusterId)
                        .containsExactlyElementsOf(expected);
                assertThat(router.cached("chat")[0]).isLessThanOrEqualTo(Router.MAX_INDEXES);
                assertThat(router.cached("chat")[1]).isLessThanOrEqualTo(Router.MAX_REMEMBERED_SETS);
            }
        }
        // Sets that admit the same clusters share an index: EU and the ten countries by name.
        Router fresh = router(tenCountries, CHAT_EU);
        fresh.route(RouteQuery.at("chat", at("vienna"), CATALOG.allowed("EU")));
        fresh.route(RouteQuery.at("chat", at("vienna"), CATALOG.allowed(countries)));
        assertThat(fresh.cached("chat")).containsExactly(1, 2);
    }

    @Test
    void aSubdivisionAdmitsOnlyItself() {
        RouteDecision d = router(FLEET, CHAT_EU, CHAT_IN).route(RouteQuery.at("chat", at("bengaluru"), CATALOG.allowed("IN-MH")));
        assertThat(d.candidates()).extracting(RouteCandidate::clusterId).containsExactly("bom");
    }

    @Test
    void usesMeasuredRoundTripsFromTheClientsSite() {
        FleetSnapshot fleet = fleet(
                cluster("par").site("paris").rtt("london", 30).serves("chat-eu", "chat"),
                cluster("ams").site("amsterdam").rtt("london", 6).serves("chat-eu", "chat"));
        RouteDecision d = router(fleet, CHAT_EU).route(RouteQuery.fromSite("chat", SITES.find("london").orElseThrow(), null));
        assertThat(d.candidates()).extracting(RouteCandidate::clusterId).containsExactly("ams", "par");
        assertThat(d.candidates().get(0).measured()).isTrue();
        assertThat(d.candidates().get(0).networkLatencyMs()).isEqualTo(6.0);
    }

    @Test
    void leavesOutClustersBeyondThePolicysLatencyBudget() {
        FleetPolicy tight = policy("chat-eu").alias("chat").maxLatencyMs(20).build();
        Router router = router(FLEET, tight);
        double nearest = FLEET.clusters().stream().filter(c -> List.of("fra", "par", "mad").contains(c.id()))
                .mapToDouble(c -> NetworkLatency.estimatedRttMs(at("tokyo"), c.location())).min().orElseThrow();
        // twice: the second time from what the router kept for the cell of the first
        for (int i = 0; i < 2; i++) {
            RouteDecision near = router.route(RouteQuery.at("chat", at("brussels"), null));
            assertThat(near.candidates()).extracting(RouteCandidate::clusterId).containsExactly("par", "fra");
            RouteDecision far = router.route(RouteQuery.at("chat", at("tokyo"), null));
            assertThat(far.candidates()).isEmpty();
            assertThat(far.reason().orElseThrow()).isEqualTo(String.format(Locale.ROOT,
                    "all 3 eligible clusters serving model 'chat' are beyond their maxLatencyMs (nearest %.0f ms)", nearest));
        }
    }

    @Test
    void aQueryAskingForThousandsOfPlacesGetsThemWhateverNearbyCellsWereKeptBefore() {
        // one cluster near Paris, 4,099 far to the south-west (41 rows of 100, about 0.1° apart)
        var clusters = new ArrayList<Fixtures.ClusterBuilder>();
        clusters.add(cluster("paris").jurisdiction("FR").location(48.86, 2.55).serves("chat-eu", "chat"));
        for (int i = 0; i < 4099; i++) {
            clusters.add(cluster("es-" + i).jurisdiction("ES").location(37 + (i / 100) * 0.1, -6 + (i % 100) * 0.1)
                    .serves("chat-eu", "chat"));
        }
        Router router = router(fleet(clusters.toArray(Fixtures.ClusterBuilder[]::new)), CHAT_EU);
        // the best one from a point of the next 0.25° cell east, then 4,097 from this one
        assertThat(router.route(RouteQuery.at("chat", new GeoPoint(48.86, 2.55), null).withLimit(1)).candidates()).hasSize(1);
        List<RouteCandidate> many = router.route(RouteQuery.at("chat", new GeoPoint(48.86, 2.30), null).withLimit(4097)).candidates();
        assertThat(many).hasSize(4097);
        assertThat(many).extracting(RouteCandidate::estimatedLatencyMs).isSorted();
    }

    @Test
    void aStaleReplicaOutsideItsPolicysJurisdictionsGetsNoTraffic() {
        FleetSnapshot fleet = fleet(cluster("nyc").site("new-york").serves("chat-eu", "chat"), cluster("fra").serves("chat-eu", "chat"));
        RouteDecision d = router(fleet, CHAT_EU).route(RouteQuery.at("chat", at("new-york"), null));
        assertThat(d.candidates()).extracting(RouteCandidate::clusterId).containsExactly("fra");
    }

    @Test
    void degradedClustersServeAfterHealthyOnesAndOfflineOnesNever() {
        FleetSnapshot fleet = fleet(
                cluster("par").site("paris").health(Health.DEGRADED).serves("chat-eu", "chat"),
                cluster("bru").site("brussels").health(Health.OFFLINE).serves("chat-eu", "chat"),
                cluster("fra").site("frankfurt").serves("chat-eu", "chat"));
        RouteDecision d = router(fleet, CHAT_EU).route(RouteQuery.at("chat", at("paris"), null));
        assertThat(d.candidates()).extracting(RouteCandidate::clusterId).containsExactly("fra", "par");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "unknown alias | llama | no cluster serves model 'llama'",
            "all offline   | chat  | no healthy cluster serves model 'chat' (1 serve it, none READY or DEGRADED)"})
    void answersEmptyWithAReason(String why, String alias, String reason) {
        FleetSnapshot fleet = fleet(cluster("fra").health(Health.OFFLINE).serves("chat-eu", "chat"));
        RouteDecision d = router(fleet, CHAT_EU).route(RouteQuery.at(alias, at("paris"), null));
        assertThat(d.candidates()).isEmpty();
        assertThat(d.reason()).contains(reason);
    }

    @Test
    void returnsAtMostTheRequestedNumberOfCandidates() {
        RouteDecision d = router(FLEET, CHAT_EU, CHAT_IN).route(RouteQuery.at("chat", at("paris"), null).withLimit(2));
        assertThat(d.candidates()).extracting(RouteCandidate::clusterId).containsExactly("par", "fra");
    }

    @ParameterizedTest(name = "{0} to {1}: {2} ms")
    @CsvSource({"frankfurt, paris, 9.2", "mumbai, frankfurt, 100.5", "new-york, london, 85.6", "paris, paris, 2.0"})
    void estimatesRoundTripsFromGreatCircleDistance(String a, String b, double expectedMs) {
        assertThat(NetworkLatency.estimatedRttMs(at(a), at(b))).isCloseTo(expectedMs, within(0.1));
    }
}
