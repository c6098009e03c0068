package io.flotilla.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flotilla.proto.EnvelopeCodec;
import io.flotilla.proto.Topics;
import io.flotilla.proto.VerificationKey;
import io.flotilla.proto.v1.DesiredState;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.Test;

/**
 * Two control-plane replicas (the packaged jar, built for PostgreSQL) share one PostgreSQL and one Mosquitto.
 * One holds the leader lock; killed with SIGKILL, the other takes over within 15 s and a policy change
 * applied afterwards still reaches the cluster's desired topic.
 */
class LeaderFailoverIT {

    @Test
    void otherReplicaTakesOverWithin15SecondsOfTheLeaderBeingKilledAndStillDispatches() throws Exception {
        Path binary = Mosquitto.binaryOrSkip("failover test");
        Path workDir = ManagedProcess.freshWorkDir("leader-failover");
        Path jar = PostgresBuild.prepare(workDir);
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
                Mosquitto mosquitto = Mosquitto.start(binary, workDir)) {
            List<String> shared = new ArrayList<>(mosquitto.controlPlaneProperties());
            shared.addAll(List.of(
                    "-Dquarkus.datasource.jdbc.url=" + postgres.getJdbcUrl("postgres", "postgres"),
                    "-Dquarkus.datasource.username=postgres", "-Dquarkus.datasource.password=postgres",
                    "-Dflotilla.placement.require-online=false",
                    "-Dflotilla.leader.check-interval=1s", "-Dflotilla.dispatch.retry-interval=1s"));
            try (ControlPlaneProcess a = ControlPlaneProcess.replica("replica-a", jar, workDir, mosquitto.port(), shared);
                    ControlPlaneProcess b = ControlPlaneProcess.replica("replica-b", jar, workDir, mosquitto.port(), shared)) {
                MqttClient agent = new MqttClient("tcp://127.0.0.1:" + mosquitto.port(), "observer-" + UUID.randomUUID(),
                        new MemoryPersistence());
                await("one leader").atMost(Duration.ofSeconds(15)).until(() -> a.isLeader() != b.isLeader());
                ControlPlaneProcess leader = a.isLeader() ? a : b;
                ControlPlaneProcess follower = leader == a ? b : a;

                AtomicReference<byte[]> desired = new AtomicReference<>();
                // the broker refuses anonymous clients: this stand-in for an agent reads as the control plane's user
                MqttConnectionOptions options = new MqttConnectionOptions();
                options.setUserName(ControlPlaneProcess.BROKER_USER);
                options.setPassword(mosquitto.adminPassword().getBytes(StandardCharsets.UTF_8));
                agent.connect(options);
                agent.subscribe(new MqttSubscription[] {new MqttSubscription(Topics.desired("fo-1"), 1)},
                        new IMqttMessageListener[] {(topic, message) -> desired.set(message.getPayload())});
                EnvelopeCodec codec = EnvelopeCodec.builder("e2e").trust(VerificationKey.fromBase64(follower.publicKey())).build();

                // the follower serves the API; the leader publishes what it wrote
                assertThat(follower.post("/api/v1/clusters", """
                        {"id": "fo-1", "jurisdiction": "DE", "latitude": 50.11, "longitude": 8.68,
                         "capacity": {"cpu": "16", "memory": "64Gi"}}""").status()).isEqualTo(201);
                assertThat(follower.post("/api/v1/policies", policy("v1")).status()).isEqualTo(200);
                await("generation 1 published").atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                        assertThat(image(codec, desired.get())).isEqualTo("registry.example/chat:v1"));

                leader.kill();
                Instant killed = Instant.now();
                await("follower takes over").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                        .until(follower::isLeader);
                System.out.printf("failover took %d ms%n", Duration.between(killed, Instant.now()).toMillis());

                assertThat(follower.post("/api/v1/policies", policy("v2")).status()).isEqualTo(200);
                await("generation 2 published by the new leader").atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                        assertThat(image(codec, desired.get())).isEqualTo("registry.example/chat:v2"));
                agent.disconnect();
                agent.close();
            }
        }
    }

    private static String image(EnvelopeCodec codec, byte[] payload) throws Exception {
        if (payload == null) {
            return null;
        }
        DesiredState state = codec.decode(payload, "fo-1", DesiredState.getDefaultInstance()).payload();
        return state.getWorkloadsCount() == 0 ? null : state.getWorkloads(0).getImage();
    }

    private static String policy(String version) {
        return """
                {"apiVersion": "flotilla.io/v1alpha1", "kind": "FleetPolicy", "metadata": {"name": "chat-fo"},
                 "spec": {"workload": {"model": "m", "image": "registry.example/chat:%s",
                                       "resources": {"gpu": 0, "cpu": "1", "memory": "1Gi"}},
                          "placement": {"jurisdictions": ["DE"]}}}""".formatted(version);
    }
}
