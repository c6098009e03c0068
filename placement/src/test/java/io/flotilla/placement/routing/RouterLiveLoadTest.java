package io.flotilla.placement.routing;

import static io.flotilla.placement.Fixtures.CATALOG;
import static io.flotilla.placement.Fixtures.at;
import static io.flotilla.placement.Fixtures.cluster;
import static io.flotilla.placement.Fixtures.fleet;
import static io.flotilla.placement.Fixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.flotilla.placement.FleetSnapshot;
import io.flotilla.placement.Health;
import io.flotilla.policy.FleetPolicy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Live load, maxQueue and affinity applied at query time on top of the snapshot ranking. */
class RouterLiveLoadTest {

    private static final FleetPolicy CHAT = policy("chat-eu").alias("chat").jurisdictions("EU").maxQueue(20).build();

    /** Two clusters near Paris (par-2 some 12 km farther out), one in Brussels, outside France. */
    private static final FleetSnapshot FLEET = fleet(
            cluster("par-1").site("paris").serves("chat-eu", "chat"),
            cluster("par-2").location(48.75, 2.35).jurisdiction("FR-IDF").serves("chat-eu", "chat"),
            cluster("bru").site("brussels").serves("chat-eu", "chat"));

    private static final Router ROUTER = Router.build(FLEET, List.of(CHAT), CATALOG);

    private final Map<String, LiveLoad> loads = new HashMap<>();
    private final LiveLoads live = (cluster, workload) -> loads.get(cluster + "/" + workload);

    private void report(String cluster, double waiting, double running) {
        loads.put(cluster + "/chat-eu", new LiveLoad(waiting, running, 0.3));
    }

    private RouteDecision route(String allowed, String preferred) {
        return ROUTER.route(RouteQuery.at("chat", at("paris"), CATALOG.allowed(allowed)), live, preferred, new AffinitySlack(0.2, 0));
    }

    @Test
    void withoutLiveLoadTheRankingIsTheSnapshotOne() {
        RouteQuery q = RouteQuery.at("chat", at("paris"), CATALOG.allowed("EU"));
        assertThat(ROUTER.route(q, LiveLoads.NONE, null, AffinitySlack.DEFAULT).candidates()).isEqualTo(ROUTER.route(q).candidates());
    }

    @Test
    void aGrowingQueueShiftsTrafficToTheNeighbourInTheSameJurisdictionAndNeverOutside() {
        report("par-2", 0, 4);
        report("bru", 0, 4);
        String first = null;
        for (int waiting = 0; waiting <= 20; waiting++) {
            report("par-1", waiting, 4);
            RouteDecision fr = route("FR", null);
            assertThat(fr.candidates()).extracting(RouteCandidate::jurisdiction).allMatch(j -> j.startsWith("FR"));
            if (waiting == 0) {
                first = fr.candidates().get(0).clusterId();
            }
        }
        assertThat(first).isEqualTo("par-1");
        RouteDecision busy = route("FR", null);
        assertThat(busy.candidates()).extracting(RouteCandidate::clusterId).containsExactly("par-2", "par-1");
        RouteCandidate loaded = busy.candidates().get(1);
        assertThat(loaded.liveLoadMs()).isCloseTo(LoadScore.liveMs(new LiveLoad(20, 4, 0.3), 200, 50), within(1e-9));
        assertThat(loaded.waiting()).isEqualTo(20);
        assertThat(loaded.estimatedLatencyMs()).isCloseTo(loaded.networkLatencyMs() + loaded.loadPenaltyMs() + loaded.liveLoadMs(), within(1e-9));
    }

    @Test
    void aClusterOverMaxQueueIsSkippedWithAReasonWhileAnotherHasRoom() {
        report("par-1", 21, 4);
        report("par-2", 0, 4);
        RouteDecision d = route("FR", null);
        assertThat(d.candidates()).extracting(RouteCandidate::clusterId).containsExactly("par-2", "par-1");
        assertThat(d.notes()).containsExactly("skipped par-1: 21 waiting > maxQueue 20");
    }

    @Test
    void whenEveryClusterIsOverMaxQueueTheLeastLoadedServes() {
        report("par-1", 40, 4);
        report("par-2", 25, 4);
        report("bru", 22, 4);
        RouteDecision d = route("FR", null);
        assertThat(d.candidates()).extracting(RouteCandidate::clusterId).containsExactly("par-2", "par-1");
        assertThat(d.notes()).containsExactly("all 2 nearest clusters are over maxQueue 20; least loaded first");
    }

    @Test
    void affinityHoldsAcrossRequestsWithinTheSlackAndBreaksOverMaxQueue() {
        var table = new AffinityTable(1024);
        long session = 42;
        report("par-1", 0, 4);
        report("par-2", 0, 4);
        report("bru", 0, 4);
        table.served("chat", session, "par-2"); // par-2 served the session first, while par-1 was busy
        for (int i = 0; i < 100; i++) {
            report("par-1", 0, 4); // par-1 stays the nearest, a little nearer than par-2
            RouteDecision d = route("FR", table.preferred("chat", session));
            String chosen = d.candidates().get(0).clusterId();
            assertThat(chosen).as("request %d", i).isEqualTo("par-2");
            table.served("chat", session, chosen);
        }
        report("par-2", 21, 4);
        RouteDecision broken = route("FR", table.preferred("chat", session));
        assertThat(broken.candidates().get(0).clusterId()).isEqualTo("par-1");
        assertThat(broken.notes()).contains("affinity to par-2 broken: over maxQueue");
    }

    @Test
    void affinityBreaksBeyondTheSlackAndNeverLeavesTheJurisdictions() {
        report("par-1", 0, 4);
        report("par-2", 10, 1); // 2 s of queue: far beyond 1.2 x the best
        RouteDecision d = route("FR", "par-2");
        assertThat(d.candidates().get(0).clusterId()).isEqualTo("par-1");
        assertThat(d.notes()).singleElement().asString().startsWith("affinity to par-2 broken");
        RouteDecision outside = route("FR", "bru");
        assertThat(outside.candidates()).extracting(RouteCandidate::clusterId).doesNotContain("bru");
        assertThat(outside.notes()).isEmpty();
    }

    @Test
    void anUnhealthyPreferredClusterIsNotACandidate() {
        FleetSnapshot fleet = fleet(
                cluster("par-1").site("paris").serves("chat-eu", "chat"),
                cluster("par-2").location(48.75, 2.35).jurisdiction("FR-IDF").health(Health.OFFLINE).serves("chat-eu", "chat"));
        RouteDecision d = Router.build(fleet, List.of(CHAT), CATALOG)
                .route(RouteQuery.at("chat", at("paris"), CATALOG.allowed("FR")), live, "par-2", AffinitySlack.DEFAULT);
        assertThat(d.candidates()).extracting(RouteCandidate::clusterId).containsExactly("par-1");
    }

    @Test
    void theSlackIsRelativeOrAbsoluteWhicheverAllowsMore() {
        var slack = new AffinitySlack(0.2, 25);
        assertThat(slack.keeps(27, 3)).as("within 25 ms").isTrue();
        assertThat(slack.keeps(29, 3)).isFalse();
        assertThat(slack.keeps(1150, 1000)).as("within 20 %").isTrue();
        assertThat(slack.keeps(1250, 1000)).isFalse();
    }

    @Test
    void theAffinityTableIsBoundedAndKeyedByAlias() {
        var table = new AffinityTable(1000);
        assertThat(table.capacity()).isEqualTo(1024);
        table.served("chat", 7, "par-1");
        assertThat(table.preferred("chat", 7)).isEqualTo("par-1");
        assertThat(table.preferred("embed", 7)).isNull();
        assertThat(table.preferred("chat", 8)).isNull();
        for (long k = 0; k < 100_000; k++) {
            table.served("chat", k, "c" + (k % 3));
        }
        assertThat(table.preferred("chat", 99_999)).isEqualTo("c0");
    }

    @Test
    void theCacheTermGrowsSteeplyNearAFullCache() {
        assertThat(LoadScore.liveMs(new LiveLoad(0, 4, 0.5), 200, 50)).isCloseTo(50 * 0.0625, within(1e-9));
        assertThat(LoadScore.liveMs(new LiveLoad(0, 4, 1.0), 200, 50)).isCloseTo(50, within(1e-9));
        assertThat(LoadScore.liveMs(new LiveLoad(8, 0, 0), 200, 50)).as("nothing running: one slot assumed").isCloseTo(1600, within(1e-9));
        assertThat(LoadScore.liveMs(null, 200, 50)).isZero();
    }
}
