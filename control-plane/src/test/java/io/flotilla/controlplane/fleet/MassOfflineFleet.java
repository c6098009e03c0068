package io.flotilla.controlplane.fleet;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;

import io.flotilla.controlplane.ApiFixtures;
import io.flotilla.controlplane.MqttTestClient;
import io.flotilla.controlplane.TestAgents;
import io.flotilla.proto.EnvelopeCodec;
import io.flotilla.proto.Topics;
import io.flotilla.proto.v1.Presence;
import io.restassured.response.ValidatableResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Four clusters in four EU countries under one policy that places its workload on each of them. */
final class MassOfflineFleet {

    static final Duration WAIT = Duration.ofSeconds(20);
    static final Duration GRACE = Duration.ofMinutes(5);

    private MassOfflineFleet() {
    }

    /** Registers the four clusters (ids {@code prefix-ams} etc.), brings them online and places policy {@code prefix-chat}. */
    static List<String> placeOnFour(MqttTestClient agents, String prefix) throws Exception {
        List<String> ids = List.of(prefix + "-ams", prefix + "-fra", prefix + "-mad", prefix + "-par");
        ApiFixtures.cluster(ids.get(0), "NL", 52.37, 4.90, prefix);
        ApiFixtures.cluster(ids.get(1), "DE", 50.11, 8.68, prefix);
        ApiFixtures.cluster(ids.get(2), "ES", 40.42, -3.70, prefix);
        ApiFixtures.cluster(ids.get(3), "FR", 48.86, 2.35, prefix);
        for (String id : ids) {
            presence(agents, id, Presence.State.STATE_ONLINE);
        }
        for (String id : ids) {
            await().atMost(WAIT).untilAsserted(() -> given().get("/api/v1/clusters/" + id).then().body("health", equalTo("READY")));
        }
        ApiFixtures.apply(ApiFixtures.policy(prefix + "-chat", prefix, "EU", 1, 4, "vllm/vllm-openai:v0.8.5"), false)
                .statusCode(200);
        await().atMost(WAIT).untilAsserted(() -> placement(prefix).body("chosen.cluster", containsInAnyOrder(ids.toArray(String[]::new))));
        for (String id : ids) {
            given().get("/api/v1/clusters/" + id).then().body("workloads.size()", equalTo(1));
        }
        return ids;
    }

    static ValidatableResponse placement(String prefix) {
        return given().get("/api/v1/policies/" + prefix + "-chat/placement").then().statusCode(200);
    }

    static ValidatableResponse fleetPresence() {
        return given().get("/api/v1/fleet/presence").then().statusCode(200);
    }

    /** Waits until a presence check has judged the fleet at or after {@code at}. */
    static void awaitCheckAfter(Instant at) {
        await().atMost(WAIT).until(() -> {
            String assessed = fleetPresence().extract().path("assessedAt");
            return assessed != null && !Instant.parse(assessed).isBefore(at);
        });
    }

    static void presence(MqttTestClient agents, String cluster, Presence.State state) throws Exception {
        EnvelopeCodec codec = TestAgents.of(cluster).codec();
        agents.publish(Topics.presence(cluster), codec.encode(cluster,
                Presence.newBuilder().setClusterId(cluster).setState(state).build()), true);
    }
}
