package io.flotilla.controlplane.dispatch;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import io.flotilla.controlplane.MqttTestClient;
import io.flotilla.controlplane.TestAgents;
import io.flotilla.proto.EnvelopeCodec;
import io.flotilla.proto.ProtocolException;
import io.flotilla.proto.Topics;
import io.flotilla.proto.VerificationKey;
import io.flotilla.proto.v1.ClusterStatus;
import io.flotilla.proto.v1.DesiredState;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * A signing-key rotation end to end against one agent played by the test: the agent is told the new key while the old
 * one still signs, the switch waits for its acknowledgement, then the new key signs and names itself alone.
 */
@QuarkusTest
@TestProfile(KeyRotationTest.OwnFleet.class)
class KeyRotationTest {

    /** A fleet of its own (database and keys): a rotation waits for every cluster heard from. */
    public static class OwnFleet implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.datasource.jdbc.url",
                    "jdbc:h2:mem:rotation;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1",
                    "flotilla.data-dir", "./target/test-data-rotation",
                    "flotilla.dispatch.key-rotation-check-interval", "1s");
        }
    }

    @ConfigProperty(name = "flotilla.broker.port")
    int port;

    private final AtomicReference<List<VerificationKey>> trusted = new AtomicReference<>();

    private static VerificationKey activeKey() {
        return VerificationKey.fromBase64(given().get("/api/v1/control-plane/signing-key").then().statusCode(200)
                .extract().path("publicKey"));
    }

    /** The agent's side: verify with the keys it trusts, then adopt the keys the state names. */
    private DesiredState verified(MqttTestClient wire) {
        byte[] payload = wire.last(Topics.desired("rot-1"));
        if (payload == null) {
            return null;
        }
        try {
            DesiredState d = EnvelopeCodec.builder("test").build()
                    .decodeTrusting(payload, "rot-1", DesiredState.getDefaultInstance(), trusted.get()).payload();
            trusted.set(d.getTrustedKeysList().stream().map(VerificationKey::fromBase64).toList());
            return d;
        } catch (ProtocolException e) {
            throw new AssertionError("the agent could not verify its desired state: " + e.getMessage(), e);
        }
    }

    @Test
    void theNewKeyReplacesTheOldOnceTheAgentTrustsIt() throws Exception {
        given().contentType(ContentType.JSON).body("{\"id\":\"rot-1\",\"jurisdiction\":\"DE\",\"latitude\":50.1,\"longitude\":8.7}")
                .post("/api/v1/clusters").then().statusCode(201);
        TestAgents.Agent agent = TestAgents.of("rot-1");
        VerificationKey old = activeKey();
        trusted.set(List.of(old));

        try (MqttTestClient wire = new MqttTestClient(port)) {
            wire.subscribe(Topics.desired("rot-1"));
            // heard from: the rotation waits for it
            wire.publish(Topics.status("rot-1"), agent.encode(ClusterStatus.newBuilder().setClusterId("rot-1").build()), false);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    given().get("/api/v1/clusters/rot-1").then().body("lastStatusAt", notNullValue()));

            String newKeyId = given().post("/api/v1/control-plane/signing-keys/rotate").then().statusCode(202)
                    .body("rotation.phase", equalTo("distributing")).body("rotation.clusters", equalTo(1))
                    .body("keys.state", contains("active", "incoming"))
                    .extract().path("rotation.newKeyId");
            given().post("/api/v1/control-plane/signing-keys/rotate").then().statusCode(409)
                    .body("error", containsString("in progress"));

            // distributing: signed with the old key, naming both
            AtomicReference<DesiredState> both = new AtomicReference<>();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                DesiredState d = verified(wire);
                both.set(d);
                return d != null && d.getTrustedKeysCount() == 2;
            });
            assertThat(trusted.get()).extracting(VerificationKey::keyId).containsExactly(old.keyId(), newKeyId);
            // not acknowledged yet: still rotating, the old key still signs
            given().get("/api/v1/control-plane/signing-keys").then().body("rotation.acknowledged", equalTo(0))
                    .body("rotation.pending", contains("rot-1"));
            assertThat(activeKey()).isEqualTo(old);

            wire.publish(Topics.status("rot-1"), agent.encode(ClusterStatus.newBuilder().setClusterId("rot-1")
                    .setAppliedGeneration(both.get().getGeneration()).build()), false);

            // switched: the new key signs, naming itself alone; the agent no longer trusts the old one
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                    given().get("/api/v1/control-plane/signing-keys").then().body("rotation", nullValue())
                            .body("keys.keyId", contains(newKeyId)));
            assertThat(activeKey().keyId()).isEqualTo(newKeyId);
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                DesiredState d = verified(wire);
                return d != null && d.getTrustedKeysCount() == 1;
            });
            assertThat(trusted.get()).extracting(VerificationKey::keyId).containsExactly(newKeyId);
        }
        assertThat(Files.exists(Path.of("target/test-data-rotation/keys/retired", old.keyId() + ".key")))
                .as("the former key is kept as retired").isTrue();
    }
}
