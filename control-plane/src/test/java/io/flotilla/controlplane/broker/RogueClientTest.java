package io.flotilla.controlplane.broker;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.flotilla.controlplane.ApiFixtures;
import io.flotilla.controlplane.MqttTestClient;
import io.flotilla.controlplane.TestAgents;
import io.flotilla.proto.EnvelopeCodec;
import io.flotilla.proto.SigningKey;
import io.flotilla.proto.Topics;
import io.flotilla.proto.v1.ClusterStatus;
import io.flotilla.proto.v1.Presence;
import io.quarkus.test.junit.QuarkusTest;
import java.security.SecureRandom;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.Test;

/**
 * Rogue clients against the embedded broker and the control plane behind it: each attempt is refused, and counted
 * in the metric that says why ({@code flotilla_broker_refused_total} at the broker, {@code flotilla_mqtt_rejected_total}
 * where the control plane verifies what passed the broker).
 */
@QuarkusTest
class RogueClientTest {

    private static final int NOT_AUTHORIZED = 0x87;
    private static final int BAD_USER_NAME_OR_PASSWORD = 0x86;

    @ConfigProperty(name = "flotilla.broker.port")
    int port;

    private static double refused(String action, String reason) {
        return ApiFixtures.metric("flotilla_broker_refused_total{action=\"" + action + "\",reason=\"" + reason + "\"}");
    }

    private static double rejected(String kind, String reason) {
        return ApiFixtures.metric("flotilla_mqtt_rejected_total{kind=\"" + kind + "\",reason=\"" + reason + "\"}");
    }

    private static int connectRefusal(int port, String user, String password, String clientId) {
        try (MqttTestClient c = MqttTestClient.as(port, user, password, clientId)) {
            return -1;
        } catch (MqttException e) {
            return e.getReasonCode();
        }
    }

    private static void awaitMetric(java.util.function.DoubleSupplier value, double expected) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(value.getAsDouble()).isEqualTo(expected));
    }

    /**
     * No topic aliases: Paho 1.2.5 re-sends a QoS 1 publish that was in flight when its connection dropped with the
     * old connection's alias and no topic, and the broker disconnects it for that on every reconnect (100 agents
     * reconnecting to a restarted control plane took 80 s instead of 6 s).
     */
    @Test
    void theBrokerGrantsNoTopicAliases() throws Exception {
        ApiFixtures.register("rogue-alias", "DE");
        TestAgents.Agent agent = TestAgents.of("rogue-alias");
        try (MqttTestClient c = MqttTestClient.as(port, "rogue-alias", agent.password(), "flotilla-agent-rogue-alias")) {
            assertThat(c.grantedTopicAliasMaximum()).isZero();
        }
    }

    @Test
    void anonymousAndWrongPasswordAndAnotherClustersClientIdAreRefused() throws Exception {
        ApiFixtures.register("rogue-a1", "DE");
        ApiFixtures.register("rogue-b1", "DE");
        TestAgents.Agent a = TestAgents.of("rogue-a1");

        double anonymous = refused("connect", "ANONYMOUS");
        assertThat(connectRefusal(port, null, null, "anonymous-sub")).isEqualTo(NOT_AUTHORIZED);
        awaitMetric(() -> refused("connect", "ANONYMOUS"), anonymous + 1);

        double bad = refused("connect", "BAD_CREDENTIALS");
        assertThat(connectRefusal(port, "rogue-a1", "flp_guess", "flotilla-agent-rogue-a1")).isEqualTo(BAD_USER_NAME_OR_PASSWORD);
        assertThat(connectRefusal(port, "flotilla-control-plane", "guess", "cp-guess")).isEqualTo(BAD_USER_NAME_OR_PASSWORD);
        awaitMetric(() -> refused("connect", "BAD_CREDENTIALS"), bad + 2);

        double clientId = refused("connect", "CLIENT_ID");
        assertThat(connectRefusal(port, "rogue-a1", a.password(), "flotilla-agent-rogue-b1")).isEqualTo(NOT_AUTHORIZED);
        assertThat(connectRefusal(port, "rogue-a1", a.password(), "anything-else")).isEqualTo(NOT_AUTHORIZED);
        awaitMetric(() -> refused("connect", "CLIENT_ID"), clientId + 2);

        double will = refused("connect", "WILL_TOPIC");
        MqttClient withWill = new MqttClient("tcp://127.0.0.1:" + port, "flotilla-agent-rogue-a1", new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setUserName("rogue-a1");
        options.setPassword(a.password().getBytes());
        options.setWill(Topics.presence("rogue-b1"), new MqttMessage(new byte[] {1}, 1, true, new MqttProperties()));
        assertThatThrownBy(() -> withWill.connect(options)).isInstanceOf(MqttException.class);
        withWill.close();
        awaitMetric(() -> refused("connect", "WILL_TOPIC"), will + 1);

        try (MqttTestClient ok = MqttTestClient.as(port, "rogue-a1", a.password(), "flotilla-agent-rogue-a1")) {
            assertThat(ok.isConnected()).isTrue();
        }
    }

    @Test
    void aClusterReadsAndWritesOnlyItsOwnTopics() throws Exception {
        ApiFixtures.register("rogue-a2", "DE");
        ApiFixtures.register("rogue-b2", "DE");
        TestAgents.Agent a = TestAgents.of("rogue-a2");
        TestAgents.Agent b = TestAgents.of("rogue-b2");
        try (MqttTestClient agentA = MqttTestClient.as(port, "rogue-a2", a.password(), "flotilla-agent-rogue-a2");
                MqttTestClient watcher = new MqttTestClient(port)) {
            watcher.subscribe("flotilla/v1/clusters/rogue-b2/#");

            double subscribe = refused("subscribe", "TOPIC");
            assertThat(agentA.subscribeAnswering(Topics.desired("rogue-b2"))).isEqualTo(NOT_AUTHORIZED);
            assertThat(agentA.subscribeAnswering("flotilla/v1/clusters/+/desired")).isEqualTo(NOT_AUTHORIZED);
            assertThat(agentA.subscribeAnswering("#")).isEqualTo(NOT_AUTHORIZED);
            assertThat(agentA.subscribeAnswering(Topics.desired("rogue-a2"))).isLessThan(0x80);
            // HiveMQ asks the authorizer about "#" twice (once more for the $-topics it would match)
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(refused("subscribe", "TOPIC")).isGreaterThanOrEqualTo(subscribe + 3));

            double publish = refused("publish", "TOPIC");
            // signed with B's key as well: only the broker's rule stands between A and B's topics
            byte[] forged = b.encode(ClusterStatus.newBuilder().setClusterId("rogue-b2").setAppliedGeneration(7).build());
            for (String topic : new String[] {Topics.status("rogue-b2"), Topics.telemetry("rogue-b2"), Topics.presence("rogue-b2")}) {
                // a connection of its own each: Paho closes the connection on a PUBACK "not authorized"
                try (MqttTestClient rogue = MqttTestClient.as(port, "rogue-a2", a.password(), "flotilla-agent-rogue-a2")) {
                    rogue.publish(topic, forged, false);
                } catch (MqttException refusedAck) {
                    // PUBACK "not authorized": the publish was dropped
                }
            }
            awaitMetric(() -> refused("publish", "TOPIC"), publish + 3);
            assertThat(watcher.count(Topics.status("rogue-b2")) + watcher.count(Topics.telemetry("rogue-b2"))
                    + watcher.count(Topics.presence("rogue-b2"))).as("nothing reached B's topics").isZero();

        }
        try (MqttTestClient agentA = MqttTestClient.as(port, "rogue-a2", a.password(), "flotilla-agent-rogue-a2")) {
            agentA.publish(Topics.status("rogue-a2"),
                    a.encode(ClusterStatus.newBuilder().setClusterId("rogue-a2").setAppliedGeneration(0).build()), false);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    given().get("/api/v1/clusters/rogue-a2").then().body("lastStatusAt", org.hamcrest.Matchers.notNullValue()));
        }
        given().get("/api/v1/clusters/rogue-b2").then().body("appliedGeneration", equalTo(0));
    }

    @Test
    void reportsThatAreUnsignedForgedReplayedOrFromUnenrolledClustersAreDropped() throws Exception {
        ApiFixtures.register("rogue-c3", "DE");
        ApiFixtures.register("rogue-unenrolled", "DE");
        TestAgents.Agent c = TestAgents.of("rogue-c3");
        ClusterStatus status = ClusterStatus.newBuilder().setClusterId("rogue-c3").setAppliedGeneration(5).build();
        double unsigned = rejected("status", "UNSIGNED");
        double wrongKey = rejected("status", "WRONG_KEY");
        double replayed = rejected("status", "REPLAYED");
        double unknown = rejected("status", "UNKNOWN_CLUSTER");
        try (MqttTestClient wire = new MqttTestClient(port)) {
            wire.publish(Topics.status("rogue-c3"), EnvelopeCodec.builder("flotilla/clusters/rogue-c3").build()
                    .encode("rogue-c3", status), false);
            wire.publish(Topics.status("rogue-c3"), EnvelopeCodec.builder("flotilla/clusters/rogue-c3")
                    .signWith(SigningKey.generate(new SecureRandom())).build().encode("rogue-c3", status), false);
            wire.publish(Topics.status("rogue-unenrolled"), EnvelopeCodec.builder("x")
                    .signWith(SigningKey.generate(new SecureRandom())).build().encode("rogue-unenrolled",
                            status.toBuilder().setClusterId("rogue-unenrolled").build()), false);
            awaitMetric(() -> rejected("status", "UNSIGNED"), unsigned + 1);
            awaitMetric(() -> rejected("status", "WRONG_KEY"), wrongKey + 1);
            awaitMetric(() -> rejected("status", "UNKNOWN_CLUSTER"), unknown + 1);
            given().get("/api/v1/clusters/rogue-c3").then().body("appliedGeneration", equalTo(0));

            byte[] genuine = c.encode(status);
            wire.publish(Topics.status("rogue-c3"), genuine, false);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    given().get("/api/v1/clusters/rogue-c3").then().body("appliedGeneration", equalTo(5)));
            wire.publish(Topics.status("rogue-c3"), genuine, false);
            awaitMetric(() -> rejected("status", "REPLAYED"), replayed + 1);

            // an older ONLINE presence recorded earlier, sent after a newer OFFLINE: dropped
            byte[] online = c.encode(Presence.newBuilder().setClusterId("rogue-c3").setState(Presence.State.STATE_ONLINE).build());
            byte[] offline = c.encode(Presence.newBuilder().setClusterId("rogue-c3").setState(Presence.State.STATE_OFFLINE).build());
            double presenceReplayed = rejected("presence", "REPLAYED");
            wire.publish(Topics.presence("rogue-c3"), offline, false);
            wire.publish(Topics.presence("rogue-c3"), online, false);
            awaitMetric(() -> rejected("presence", "REPLAYED"), presenceReplayed + 1);
        }
    }

    @Test
    void aRevokedClusterIsDisconnectedAtOnceAndRefusedAfterwards() throws Exception {
        ApiFixtures.register("rogue-d4", "DE");
        TestAgents.Agent d = TestAgents.of("rogue-d4");
        String enrollment = given().get("/api/v1/enrollments").then().extract()
                .path("find { it.clusterId == 'rogue-d4' && it.state == 'enrolled' }.id");
        try (MqttTestClient agent = MqttTestClient.as(port, "rogue-d4", d.password(), "flotilla-agent-rogue-d4")) {
            assertThat(agent.isConnected()).isTrue();
            double bad = refused("connect", "BAD_CREDENTIALS");
            given().delete("/api/v1/enrollments/" + enrollment).then().statusCode(200);
            await().atMost(Duration.ofSeconds(5)).until(() -> !agent.isConnected());
            assertThat(connectRefusal(port, "rogue-d4", d.password(), "flotilla-agent-rogue-d4"))
                    .isEqualTo(BAD_USER_NAME_OR_PASSWORD);
            awaitMetric(() -> refused("connect", "BAD_CREDENTIALS"), bad + 1);
        }
    }
}
