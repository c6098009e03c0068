package io.flotilla.controlplane.fleet;

import static io.flotilla.controlplane.ApiFixtures.controlPlaneKey;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.notNullValue;

import io.flotilla.controlplane.ApiFixtures;
import io.flotilla.controlplane.MqttTestClient;
import io.flotilla.controlplane.MutableClock;
import io.flotilla.controlplane.TestAgents;
import io.flotilla.proto.EnvelopeCodec;
import io.flotilla.proto.Topics;
import io.flotilla.proto.v1.ClusterStatus;
import io.flotilla.proto.v1.DesiredState;
import io.flotilla.proto.v1.Presence;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Presence, health and acknowledgement with placement counting only clusters that report. Time is moved
 * with {@link MutableClock}: the heartbeat timeout is 60 s, the placement grace 5 min, the ack timeout 30 s.
 */
@QuarkusTest
@TestProfile(FleetHealthProfile.class)
class FleetHealthTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @ConfigProperty(name = "flotilla.broker.port")
    int brokerPort;

    @Inject
    MutableClock clock;

    @Inject
    LatestTelemetry latestTelemetry;

    @Test
    void clusterThatDoesNotAcknowledgeIsRepublishedThenFlagged() throws Exception {
        ApiFixtures.cluster("k-fra", "DE", 50.11, 8.68, "k");
        try (MqttTestClient agent = new MqttTestClient(brokerPort)) {
            presence(agent, "k-fra", Presence.State.STATE_ONLINE);
            await().atMost(WAIT).untilAsserted(() -> given().get("/api/v1/clusters/k-fra").then()
                    .body("health", equalTo("READY")).body("lastReportAt", notNullValue()));
            // subscribed before the first publication: subscribing while it is in flight can deliver it twice, live
            // and as the retained message, and the counts below must see each publication once
            agent.subscribe(Topics.desired("k-fra"));
            given().contentType(ContentType.JSON).body("""
                    {"model": "m", "image": "i", "resources": {"gpu": 0, "cpu": "1", "memory": "1Gi"}}""")
                    .put("/api/v1/clusters/k-fra/workloads/chat").then().statusCode(200);
            await().atMost(WAIT).until(() -> agent.count(Topics.desired("k-fra")) == 1);

            clock.advance(Duration.ofSeconds(31));
            await().atMost(WAIT).until(() -> agent.count(Topics.desired("k-fra")) == 2);
            given().get("/api/v1/clusters/k-fra").then().body("unacknowledged", equalTo(false));

            clock.advance(Duration.ofSeconds(31));
            await().atMost(WAIT).untilAsserted(() -> given().get("/api/v1/clusters/k-fra").then()
                    .body("unacknowledged", equalTo(true)));
            await().atMost(WAIT).until(() -> ApiFixtures.metric("flotilla_dispatch_unacknowledged_clusters") >= 1);
            assertThat(agent.count(Topics.desired("k-fra"))).as("re-published once, then only flagged").isEqualTo(2);

            EnvelopeCodec codec = TestAgents.of("k-fra").codec();
            agent.publish(Topics.status("k-fra"), codec.encode("k-fra",
                    ClusterStatus.newBuilder().setClusterId("k-fra").setAppliedGeneration(1).build()), false);
            await().atMost(WAIT).untilAsserted(() -> given().get("/api/v1/clusters/k-fra").then()
                    .body("unacknowledged", equalTo(false)).body("appliedGeneration", equalTo(1)));
        }
    }

    /**
     * "Last report" is the cluster's last sign of life: the console showed the status time (sent only when workloads
     * change) as "2 min ago" beside telemetry 9 s old. The newest telemetry counts, held in memory where the stored
     * heartbeat time is written only now and then.
     */
    @Test
    void lastReportIsTheNewestOfStatusPresenceAndTelemetryHeldInMemory() throws Exception {
        ApiFixtures.cluster("r-fra", "DE", 50.11, 8.68, "r");
        try (MqttTestClient agent = new MqttTestClient(brokerPort)) {
            EnvelopeCodec codec = TestAgents.of("r-fra").codec();
            agent.publish(Topics.status("r-fra"), codec.encode("r-fra",
                    ClusterStatus.newBuilder().setClusterId("r-fra").setAppliedGeneration(0).build()), false);
            await().atMost(WAIT).untilAsserted(() -> given().get("/api/v1/clusters/r-fra").then().body("lastStatusAt", notNullValue()));
        }
        Instant status = Instant.parse(given().get("/api/v1/clusters/r-fra").then().extract().path("lastStatusAt"));
        assertThat(Instant.parse(given().get("/api/v1/clusters/r-fra").then().extract().path("lastReportAt"))).isEqualTo(status);

        clock.advance(Duration.ofMinutes(2));
        Instant received = clock.instant();
        // as the ingestor keeps it, without the stored heartbeat time that the writer throttles
        latestTelemetry.offer(ApiFixtures.report("r-fra", received.getEpochSecond(), 40), received);

        given().get("/api/v1/clusters/r-fra").then().statusCode(200)
                .body("lastStatusAt", equalTo(status.toString()))
                .body("lastReportAt", equalTo(received.toString()));
        given().get("/api/v1/clusters?label=suite=r").then().statusCode(200)
                .body("find { it.id == 'r-fra' }.lastReportAt", equalTo(received.toString()))
                .body("find { it.id == 'r-fra' }.lastStatusAt", equalTo(status.toString()));
    }

    @Test
    void clusterOfflineBeyondGraceLosesItsWorkloadsAndGetsThemBackWhenItReturns() throws Exception {
        ApiFixtures.cluster("m-fra", "DE", 50.11, 8.68, "m");
        ApiFixtures.cluster("m-par", "FR", 48.86, 2.35, "m");
        try (MqttTestClient agents = new MqttTestClient(brokerPort)) {
            presence(agents, "m-fra", Presence.State.STATE_ONLINE);
            presence(agents, "m-par", Presence.State.STATE_ONLINE);
            await().atMost(WAIT).untilAsserted(() -> given().get("/api/v1/clusters/m-par").then().body("health", equalTo("READY")));
            await().atMost(WAIT).untilAsserted(() -> given().get("/api/v1/clusters/m-fra").then().body("health", equalTo("READY")));
            ApiFixtures.apply(ApiFixtures.policy("chat-m", "m", "EU", 1, 2, "vllm/vllm-openai:v0.8.5"), false)
                    .statusCode(200).body("results[0].placement.chosen.cluster", containsInAnyOrder("m-fra", "m-par"));

            // m-fra falls silent: offline after the heartbeat timeout, but within the grace it keeps its workload
            clock.advance(Duration.ofSeconds(61));
            presence(agents, "m-par", Presence.State.STATE_ONLINE);
            await().atMost(WAIT).untilAsserted(() -> given().get("/api/v1/clusters/m-fra").then()
                    .body("health", equalTo("OFFLINE")).body("online", equalTo(false)).body("offlineSince", notNullValue()));
            given().get("/api/v1/policies/chat-m/placement").then().body("chosen.cluster", containsInAnyOrder("m-fra", "m-par"));

            clock.advance(Duration.ofMinutes(6));
            presence(agents, "m-par", Presence.State.STATE_ONLINE);
            await().atMost(WAIT).untilAsserted(() -> given().get("/api/v1/policies/chat-m/placement").then()
                    .body("chosen.cluster", equalTo(List.of("m-par"))));
            given().get("/api/v1/clusters/m-fra").then().body("desiredGeneration", equalTo(2)).body("workloads.size()", equalTo(0));

            presence(agents, "m-fra", Presence.State.STATE_ONLINE);
            await().atMost(WAIT).untilAsserted(() -> given().get("/api/v1/policies/chat-m/placement").then()
                    .body("chosen.cluster", containsInAnyOrder("m-fra", "m-par")));
            given().get("/api/v1/clusters/m-fra").then().body("health", equalTo("READY")).body("desiredGeneration", equalTo(3));
        }
    }

    @Test
    void removalReachesAClusterThatWasOfflineWhenItHappened() throws Exception {
        ApiFixtures.cluster("n-fra", "DE", 50.11, 8.68, "n");
        long generationWithWorkload;
        try (MqttTestClient agent = new MqttTestClient(brokerPort)) {
            presence(agent, "n-fra", Presence.State.STATE_ONLINE);
            await().atMost(WAIT).untilAsserted(() -> given().get("/api/v1/clusters/n-fra").then().body("health", equalTo("READY")));
            ApiFixtures.apply(ApiFixtures.policy("chat-n", "n", "EU", 1, 1, "vllm/vllm-openai:v0.8.5"), false)
                    .statusCode(200).body("results[0].placement.chosen.cluster", equalTo(List.of("n-fra")));
            generationWithWorkload = given().get("/api/v1/clusters/n-fra").then().body("workloads.size()", equalTo(1))
                    .extract().<Integer>path("desiredGeneration");
            // the agent's will: it is gone before the policy is deleted
            presence(agent, "n-fra", Presence.State.STATE_OFFLINE);
            await().atMost(WAIT).untilAsserted(() -> given().get("/api/v1/clusters/n-fra").then().body("health", equalTo("OFFLINE")));
        }
        given().delete("/api/v1/policies/chat-n").then().statusCode(200);
        given().get("/api/v1/clusters/n-fra").then().body("desiredGeneration", greaterThan((int) generationWithWorkload));

        // the agent reconnects later and subscribes: the retained desired state tells it to remove the workload
        EnvelopeCodec agentSide = EnvelopeCodec.builder("test").trust(controlPlaneKey()).build();
        try (MqttTestClient returning = new MqttTestClient(brokerPort)) {
            returning.subscribe(Topics.desired("n-fra"));
            await().atMost(WAIT).untilAsserted(() -> {
                // until the retained message arrives there is nothing to decode
                byte[] retained = returning.last(Topics.desired("n-fra"));
                assertThat(retained).as("retained desired state of n-fra").isNotNull();
                DesiredState state = agentSide.decode(retained, "n-fra", DesiredState.getDefaultInstance()).payload();
                assertThat(state.getGeneration()).isGreaterThan(generationWithWorkload);
                assertThat(state.getWorkloadsList()).isEmpty();
            });
        }
    }

    @Test
    void presenceBurstFromManyClustersEndsOnEachClustersNewestMessage() throws Exception {
        int n = 30;
        for (int i = 0; i < n; i++) {
            ApiFixtures.cluster("burst-%02d".formatted(i), "DE", 50 + i * 0.01, 8.68, "burst");
        }
        double coalescedBefore = ApiFixtures.metric("flotilla_presence_coalesced_total");
        try (MqttTestClient agents = new MqttTestClient(brokerPort)) {
            for (int i = 0; i < n; i++) {
                String id = "burst-%02d".formatted(i);
                presence(agents, id, Presence.State.STATE_ONLINE);
                presence(agents, id, Presence.State.STATE_OFFLINE);
                presence(agents, id, Presence.State.STATE_ONLINE);
                if (i % 2 == 1) {
                    presence(agents, id, Presence.State.STATE_OFFLINE);
                }
            }
            for (int i = 0; i < n; i++) {
                String id = "burst-%02d".formatted(i);
                String expected = i % 2 == 1 ? "OFFLINE" : "READY";
                await().atMost(WAIT).untilAsserted(() -> given().get("/api/v1/clusters/" + id).then().body("health", equalTo(expected)));
            }
        }
        assertThat(ApiFixtures.metric("flotilla_presence_coalesced_total"))
                .as("messages superseded before their flush are not applied one by one").isGreaterThan(coalescedBefore);
    }

    private static void presence(MqttTestClient agent, String cluster, Presence.State state) throws Exception {
        EnvelopeCodec codec = TestAgents.of(cluster).codec();
        agent.publish(Topics.presence(cluster), codec.encode(cluster,
                Presence.newBuilder().setClusterId(cluster).setState(state).build()), true);
    }

}
