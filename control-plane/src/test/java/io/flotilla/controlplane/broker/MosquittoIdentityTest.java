package io.flotilla.controlplane.broker;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.flotilla.controlplane.TestAgents;
import io.flotilla.controlplane.identity.ClusterCredentialsIssued;
import io.flotilla.controlplane.identity.ClusterCredentialsRevoked;
import io.flotilla.proto.EnvelopeCodec;
import io.flotilla.proto.SigningKey;
import io.flotilla.proto.v1.ClusterStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.MqttToken;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * An external Mosquitto, configured as shipped, enforces the per-cluster identities that the control plane creates
 * through the dynamic security plugin: the control plane reaches it over TLS with its own user, clusters only
 * reach their own topics, and a revoked cluster is thrown out.
 *
 * <p>What Mosquitto 2.0.11 answers an MQTT 5 client: a refused CONNECT gets CONNACK 0x87 (not authorized) whether the
 * user is unknown, the password wrong or the client id not the user's; a SUBSCRIBE outside the role gets SUBACK
 * 0x87 (the connection stays up); a QoS 1 PUBLISH outside the role gets PUBACK 0x87 and reaches no subscriber;
 * disabling a connected client sends it DISCONNECT 0x98 (administrative action) at once.
 */
@QuarkusTest
@TestProfile(MosquittoIdentityTest.ExternalMosquitto.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MosquittoIdentityTest {

    private static final int NOT_AUTHORIZED = 0x87;
    private static final int ADMINISTRATIVE_ACTION = 0x98;
    /** PUBACK codes below 0x80 mean accepted (0x10: accepted, but no subscriber matched). */
    private static final int SUCCESS_LIMIT = 0x80;
    private static final String A = "rogue-a";
    private static final String B = "rogue-b";
    private static final String PASSWORD_A = UUID.randomUUID().toString();
    private static final String PASSWORD_B = UUID.randomUUID().toString();
    private static volatile boolean issued;

    public static class ExternalMosquitto implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(MosquittoDynamicSecurityResource.class));
        }
    }

    @Inject
    Event<ClusterCredentialsIssued> issue;

    @Inject
    Event<ClusterCredentialsRevoked> revoke;

    @Inject
    MeterRegistry metrics;

    @ConfigProperty(name = "flotilla.broker.port")
    int port;

    @ConfigProperty(name = "flotilla.broker.external-tls.trust-store", defaultValue = "")
    String caCertificate;

    @ConfigProperty(name = "mp.messaging.connector.smallrye-mqtt.password", defaultValue = "")
    String adminPassword;

    private final List<MqttClient> clients = new CopyOnWriteArrayList<>();
    /** The CONNACK properties each client id was last given. */
    private final Map<String, MqttProperties> connacks = new ConcurrentHashMap<>();
    private SSLContext tls;

    @BeforeEach
    void issueCredentialsOnce() throws Exception {
        assumeTrue(MosquittoDynamicSecurityResource.unavailableReason().isEmpty(),
                () -> MosquittoDynamicSecurityResource.unavailableReason().orElse(""));
        tls = TestCertificateAuthority.trusting(Path.of(caCertificate));
        if (!issued) {
            issue.fire(new ClusterCredentialsIssued(A, A, PASSWORD_A, "flotilla-agent-" + A));
            issue.fire(new ClusterCredentialsIssued(B, B, PASSWORD_B, "flotilla-agent-" + B));
            issued = true;
            // applied asynchronously: both clusters can connect once the control plane has told the broker
            await("credentials applied").atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                connect("flotilla-agent-" + A, A, PASSWORD_A).disconnect();
                connect("flotilla-agent-" + B, B, PASSWORD_B).disconnect();
            });
        }
    }

    @AfterEach
    void closeClients() {
        for (MqttClient client : clients) {
            try {
                if (client.isConnected()) {
                    client.disconnect();
                }
                client.close();
            } catch (MqttException ignored) {
                // already gone
            }
        }
        clients.clear();
    }

    @Test
    @Order(1)
    void anonymousClientsWrongPasswordsAndForeignClientIdsAreRefused() {
        assertRefused(() -> connect("anonymous-" + UUID.randomUUID(), null, null));
        assertRefused(() -> connect("flotilla-agent-" + A, A, "wrong-" + PASSWORD_A));
        assertRefused(() -> connect("flotilla-agent-" + B, A, PASSWORD_A));
        assertRefused(() -> connect("something-else", A, PASSWORD_A));
    }

    @Test
    @Order(2)
    void clusterCannotSubscribeToAnotherClustersDesiredStateOrWildcards() throws Exception {
        MqttClient a = connect("flotilla-agent-" + A, A, PASSWORD_A);
        assertThat(subscribe(a, "flotilla/v1/clusters/" + B + "/desired", new CopyOnWriteArrayList<>()))
                .as("SUBACK reason code for another cluster's desired state").isEqualTo(NOT_AUTHORIZED);
        assertThat(subscribe(a, "flotilla/v1/clusters/+/desired", new CopyOnWriteArrayList<>()))
                .as("SUBACK reason code for all clusters' desired state").isEqualTo(NOT_AUTHORIZED);
        assertThat(subscribe(a, "#", new CopyOnWriteArrayList<>())).isEqualTo(NOT_AUTHORIZED);
        assertThat(a.isConnected()).as("a refused subscription does not disconnect").isTrue();
    }

    @Test
    @Order(3)
    void clusterPublishesOnlyOnItsOwnTopicsAndReceivesItsOwnDesiredState() throws Exception {
        double rejectedStatusBefore = rejected("status");
        List<String> seenByControlPlane = new CopyOnWriteArrayList<>();
        MqttClient admin = connect("flotilla-cp-test-" + UUID.randomUUID(), MosquittoDynamicSecurityResource.ADMIN_USER,
                adminPassword);
        assertThat(subscribe(admin, "flotilla/v1/clusters/#", seenByControlPlane)).isEqualTo(1);

        MqttClient a = connect("flotilla-agent-" + A, A, PASSWORD_A);
        // the shipped configuration allows no topic aliases (max_topic_alias 0): none granted, none to go stale
        assertThat(connacks.get("flotilla-agent-" + A).getTopicAliasMaximum()).as("Topic Alias Maximum granted")
                .isIn(null, 0);
        List<String> receivedByA = new CopyOnWriteArrayList<>();
        assertThat(subscribe(a, "flotilla/v1/clusters/" + A + "/desired", receivedByA)).isEqualTo(1);

        for (String kind : List.of("status", "telemetry", "load", "presence")) {
            assertThat(publish(a, "flotilla/v1/clusters/" + B + "/" + kind, "forged by " + A))
                    .as("PUBACK reason code for %s of another cluster", kind).isEqualTo(NOT_AUTHORIZED);
        }
        assertThat(publish(a, "flotilla/v1/clusters/" + A + "/desired", "self-made desired state"))
                .as("an agent cannot write its own desired state").isEqualTo(NOT_AUTHORIZED);
        assertThat(publish(a, "flotilla/v1/clusters/" + A + "/status", "own status")).isLessThan(SUCCESS_LIMIT);

        // the subscriber sees A's own status, which A sent last; the forged messages before it never arrive
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(seenByControlPlane).contains("flotilla/v1/clusters/" + A + "/status|own status"));
        // and so does the control plane's status channel ($share subscription, allowed by the README's role): the
        // unsigned text is rejected and counted there
        await("status rejected by the control plane").atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(rejected("status")).isGreaterThan(rejectedStatusBefore));
        assertThat(seenByControlPlane).noneMatch(m -> m.startsWith("flotilla/v1/clusters/" + B + "/"))
                .noneMatch(m -> m.contains("self-made"));

        assertThat(publish(admin, "flotilla/v1/clusters/" + A + "/desired", "desired for A")).isLessThan(SUCCESS_LIMIT);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(receivedByA).containsExactly("flotilla/v1/clusters/" + A + "/desired|desired for A"));
    }

    @Test
    @Order(4)
    void revokedClusterIsDisconnectedAndRefused() throws Exception {
        AtomicReference<Integer> disconnectReason = new AtomicReference<>();
        MqttClient a = connect("flotilla-agent-" + A, A, PASSWORD_A, disconnectReason);

        revoke.fire(new ClusterCredentialsRevoked(A, A, "flotilla-agent-" + A));

        await("disconnected after revocation").atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(a.isConnected()).isFalse();
            assertThat(disconnectReason.get()).isEqualTo(ADMINISTRATIVE_ACTION);
        });
        assertRefused(() -> connect("flotilla-agent-" + A, A, PASSWORD_A));
        connect("flotilla-agent-" + B, B, PASSWORD_B).disconnect();
    }

    @Test
    @Order(5)
    void credentialsIssuedAgainEnableTheClusterWithTheNewPasswordOnly() throws Exception {
        String newPassword = UUID.randomUUID().toString();
        issue.fire(new ClusterCredentialsIssued(A, A, newPassword, "flotilla-agent-" + A));

        await("re-issued credentials applied").atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                connect("flotilla-agent-" + A, A, newPassword).disconnect());
        assertRefused(() -> connect("flotilla-agent-" + A, A, PASSWORD_A));
        MqttClient a = connect("flotilla-agent-" + A, A, newPassword);
        assertThat(subscribe(a, "flotilla/v1/clusters/" + B + "/desired", new CopyOnWriteArrayList<>()))
                .as("the role is still confined after the update").isEqualTo(NOT_AUTHORIZED);
        assertThat(publish(a, "flotilla/v1/clusters/" + A + "/status", "own status again")).isLessThan(SUCCESS_LIMIT);
    }

    @Test
    @Order(6)
    void anAgentEnrolledThroughTheApiGetsItsMosquittoUserAndItsReportsAreVerifiedAndRevocationEndsIt() throws Exception {
        TestAgents.Agent agent = TestAgents.of("mq-real"); // registers, enrolls, exchanges: dynsec learns the client
        String clientId = "flotilla-agent-mq-real";
        await("the enrolled agent's Mosquitto client exists").atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                connect(clientId, "mq-real", agent.password()).disconnect());
        AtomicReference<Integer> disconnectReason = new AtomicReference<>();
        MqttClient a = connect(clientId, "mq-real", agent.password(), disconnectReason);
        String status = "flotilla/v1/clusters/mq-real/status";
        ClusterStatus applied = ClusterStatus.newBuilder().setClusterId("mq-real").setAppliedGeneration(0).build();

        double unsigned = rejected("status", "UNSIGNED");
        double wrongKey = rejected("status", "WRONG_KEY");
        double replayed = rejected("status", "REPLAYED");
        assertThat(publish(a, status, EnvelopeCodec.builder("x").build().encode("mq-real", applied))).isLessThan(SUCCESS_LIMIT);
        assertThat(publish(a, status, EnvelopeCodec.builder("x").signWith(SigningKey.generate(new SecureRandom())).build()
                .encode("mq-real", applied))).isLessThan(SUCCESS_LIMIT);
        byte[] genuine = agent.encode(applied);
        assertThat(publish(a, status, genuine)).isLessThan(SUCCESS_LIMIT);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(rejected("status", "UNSIGNED")).isEqualTo(unsigned + 1);
            assertThat(rejected("status", "WRONG_KEY")).isEqualTo(wrongKey + 1);
            given().get("/api/v1/clusters/mq-real").then().body("lastStatusAt", notNullValue());
        });
        assertThat(publish(a, status, genuine)).isLessThan(SUCCESS_LIMIT);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(rejected("status", "REPLAYED")).isEqualTo(replayed + 1));

        String enrollment = given().get("/api/v1/enrollments").then().extract()
                .path("find { it.clusterId == 'mq-real' && it.state == 'enrolled' }.id");
        given().delete("/api/v1/enrollments/" + enrollment).then().statusCode(200);
        await("disconnected after revocation through the API").atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(a.isConnected()).isFalse();
            assertThat(disconnectReason.get()).isEqualTo(ADMINISTRATIVE_ACTION);
        });
        assertRefused(() -> connect(clientId, "mq-real", agent.password()));
    }

    private double rejected(String kind, String reason) {
        return metrics.find("flotilla.mqtt.rejected").tag("kind", kind).tag("reason", reason).counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    private double rejected(String kind) {
        return metrics.find("flotilla.mqtt.rejected").tag("kind", kind).counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    private interface Connect {
        MqttClient run() throws MqttException;
    }

    private static void assertRefused(Connect connect) {
        assertThatThrownBy(connect::run).isInstanceOfSatisfying(MqttException.class,
                e -> assertThat(e.getReasonCode()).as("CONNACK reason code").isEqualTo(NOT_AUTHORIZED));
    }

    private MqttClient connect(String clientId, String username, String password) throws MqttException {
        return connect(clientId, username, password, new AtomicReference<>());
    }

    private MqttClient connect(String clientId, String username, String password, AtomicReference<Integer> disconnectReason)
            throws MqttException {
        MqttClient client = new MqttClient("ssl://localhost:" + port, clientId, new MemoryPersistence());
        clients.add(client);
        client.setCallback(new MqttCallback() {
            @Override
            public void disconnected(MqttDisconnectResponse response) {
                disconnectReason.set(response.getReturnCode());
            }

            @Override
            public void mqttErrorOccurred(MqttException exception) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
            }

            @Override
            public void deliveryComplete(IMqttToken token) {
            }

            @Override
            public void connectComplete(boolean reconnect, String serverURI) {
            }

            @Override
            public void authPacketArrived(int reasonCode, MqttProperties properties) {
            }
        });
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        options.setAutomaticReconnect(false);
        options.setConnectionTimeout(5);
        options.setSocketFactory(tls.getSocketFactory());
        options.setHttpsHostnameVerificationEnabled(true);
        if (username != null) {
            options.setUserName(username);
            options.setPassword(password.getBytes(StandardCharsets.UTF_8));
        }
        connacks.put(clientId, client.connectWithResult(options).getResponseProperties());
        return client;
    }

    /** The SUBACK reason code (the granted QoS on success). */
    private static int subscribe(MqttClient client, String filter, List<String> received) throws MqttException {
        IMqttMessageListener listener = (topic, message) ->
                received.add(topic + "|" + new String(message.getPayload(), StandardCharsets.UTF_8));
        try {
            // the array overload: Paho 1.2.5's single-topic subscribe overflows the stack
            IMqttToken token = client.subscribe(new MqttSubscription[] {new MqttSubscription(filter, 1)},
                    new IMqttMessageListener[] {listener});
            return token.getReasonCodes()[0];
        } catch (MqttException e) {
            return e.getReasonCode();
        }
    }

    /**
     * The PUBACK reason code of a QoS 1 publish. Through the topic's token: Paho's MqttClient.publish returns
     * normally whatever the PUBACK says.
     */
    private static int publish(MqttClient client, String topic, String payload) throws MqttException {
        return publish(client, topic, payload.getBytes(StandardCharsets.UTF_8));
    }

    private static int publish(MqttClient client, String topic, byte[] payload) throws MqttException {
        MqttMessage message = new MqttMessage(payload);
        message.setQos(1);
        try {
            MqttToken token = client.getTopic(topic).publish(message);
            token.waitForCompletion(5_000);
            int[] codes = token.getReasonCodes();
            return codes == null || codes.length == 0 ? 0 : codes[0];
        } catch (MqttException e) {
            return e.getReasonCode();
        }
    }
}
