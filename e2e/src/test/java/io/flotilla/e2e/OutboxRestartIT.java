package io.flotilla.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flotilla.proto.EnvelopeCodec;
import io.flotilla.proto.Topics;
import io.flotilla.proto.VerificationKey;
import io.flotilla.proto.v1.DesiredState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.Test;

/**
 * The transactional outbox across control-plane crashes. Several clusters in two jurisdictions, each
 * with a policy; an observer subscribed to every cluster's desired topic records each generation it
 * receives. Dispatch is stopped midway twice: once by stopping the broker (the outbox rows of three
 * policy changes stay unpublished) and killing the control plane with SIGKILL before the broker is back,
 * once by killing it right after a change to every cluster was accepted, while the outbox is being
 * drained. After each restart every cluster must end on its newest generation with the newest image,
 * and no cluster may ever have been sent a generation older than one it had already received.
 */
class OutboxRestartIT {

    private static final int MQTT_PORT = Integer.getInteger("flotilla.e2e.outbox.mqtt-port", 18853);
    private static final int HTTP_PORT = Integer.getInteger("flotilla.e2e.outbox.http-port", 18854);
    private static final int CLUSTERS_PER_JURISDICTION = 15;

    /** Every generation each cluster's desired topic carried, in order of arrival. */
    private final Map<String, List<Long>> received = new ConcurrentHashMap<>();
    /** The image of the newest generation received per cluster. */
    private final Map<String, String> images = new ConcurrentHashMap<>();
    /** The broker refuses anonymous clients: the observer logs in as the control plane's user, which reads flotilla/v1/#. */
    private String brokerPassword;

    @Test
    void everyClusterEndsOnItsNewestGenerationAndNeverGoesBackwardsAcrossCrashesMidDispatch() throws Exception {
        Path binary = Mosquitto.binaryOrSkip("outbox restart test");
        Path workDir = ManagedProcess.freshWorkDir("outbox-restart");
        Path brokerDir = workDir.resolve("broker");
        List<String> de = clusterIds("de");
        List<String> fr = clusterIds("fr");

        Mosquitto broker = Mosquitto.start(binary, brokerDir, MQTT_PORT, true);
        // the broker's identities and its admin password persist in brokerDir: the same across its restart
        List<String> properties = new ArrayList<>(broker.controlPlaneProperties());
        properties.addAll(List.of("-Dflotilla.placement.require-online=false",
                "-Dflotilla.placement.debounce=100ms", "-Dflotilla.dispatch.retry-interval=1s",
                "-Dflotilla.dispatch.publish-timeout=2s"));
        brokerPassword = broker.adminPassword();
        ControlPlaneProcess cp = ControlPlaneProcess.withExternalBroker(workDir, MQTT_PORT, HTTP_PORT, properties);
        try {
            EnvelopeCodec codec = EnvelopeCodec.builder("e2e").trust(VerificationKey.fromBase64(cp.publicKey())).build();
            MqttClient observer = observe(codec);
            for (String id : de) {
                register(cp, id, "DE");
            }
            for (String id : fr) {
                register(cp, id, "FR");
            }
            apply(cp, "chat-de", "DE", "v1");
            apply(cp, "chat-fr", "FR", "v1");
            awaitNewest(cp, de, "v1");
            awaitNewest(cp, fr, "v1");

            // 1. the broker goes away: three changes are committed to the outbox but cannot be published;
            //    then the control plane dies before the broker is back
            observer.disconnectForcibly(0, 1000);
            observer.close();
            broker.close();
            apply(cp, "chat-de", "DE", "v2");
            apply(cp, "chat-fr", "FR", "v2");
            apply(cp, "chat-de", "DE", "v3");
            awaitWritten(cp, Map.of("v3", de, "v2", fr));
            cp.kill();

            broker = Mosquitto.start(binary, brokerDir, MQTT_PORT, true);
            cp = ControlPlaneProcess.withExternalBroker(workDir, MQTT_PORT, HTTP_PORT, properties);
            observer = observe(codec);
            awaitNewest(cp, de, "v3");
            awaitNewest(cp, fr, "v2");

            // 2. a change to every cluster is accepted and the control plane dies while draining it
            apply(cp, "chat-de", "DE", "v4");
            apply(cp, "chat-fr", "FR", "v3");
            awaitWritten(cp, Map.of("v4", de, "v3", fr));
            cp.kill();
            cp = ControlPlaneProcess.withExternalBroker(workDir, MQTT_PORT, HTTP_PORT, properties);
            awaitNewest(cp, de, "v4");
            awaitNewest(cp, fr, "v3");

            received.forEach((cluster, generations) -> {
                for (int i = 1; i < generations.size(); i++) {
                    assertThat(generations.get(i)).as("generations %s received by %s", generations, cluster)
                            .isGreaterThanOrEqualTo(generations.get(i - 1));
                }
            });
            observer.disconnect();
            observer.close();
        } finally {
            cp.close();
            broker.close();
        }
    }

    private static List<String> clusterIds(String prefix) {
        return IntStream.range(0, CLUSTERS_PER_JURISDICTION).mapToObj(i -> "ob-" + prefix + "-" + i).toList();
    }

    /** Subscribes to every cluster's desired topic (retained messages included) and records what arrives. */
    private MqttClient observe(EnvelopeCodec codec) throws Exception {
        MqttClient client = new MqttClient("tcp://127.0.0.1:" + MQTT_PORT, "outbox-observer-" + System.nanoTime(),
                new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setUserName(ControlPlaneProcess.BROKER_USER);
        options.setPassword(brokerPassword.getBytes(StandardCharsets.UTF_8));
        client.connect(options);
        String allDesired = Topics.ROOT + "+/" + Topics.Kind.DESIRED.level();
        client.subscribe(new MqttSubscription[] {new MqttSubscription(allDesired, 1)},
                new IMqttMessageListener[] {(topic, message) -> {
                    String cluster = Topics.parse(topic).orElseThrow().clusterId();
                    DesiredState state = codec.decode(message.getPayload(), cluster, DesiredState.getDefaultInstance()).payload();
                    received.computeIfAbsent(cluster, c -> new CopyOnWriteArrayList<>()).add(state.getGeneration());
                    images.put(cluster, state.getWorkloadsCount() == 0 ? "" : state.getWorkloads(0).getImage());
                }});
        return client;
    }

    /** Waits until each cluster's newest received generation is the one the control plane holds, with {@code version}. */
    private void awaitNewest(ControlPlaneProcess cp, List<String> clusters, String version) {
        await("clusters on " + version).atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<String> behind = new ArrayList<>();
            for (String id : clusters) {
                List<Long> generations = received.getOrDefault(id, List.of());
                long newest = generations.isEmpty() ? 0 : generations.get(generations.size() - 1);
                if (newest != desiredGeneration(cp, id) || !images.getOrDefault(id, "").endsWith(":" + version)) {
                    behind.add(id + " " + generations + " " + images.get(id));
                }
            }
            assertThat(behind).as("clusters not on their newest generation").isEmpty();
        });
    }

    /** Waits until placement has committed each cluster's desired state with its version (to the outbox). */
    private static void awaitWritten(ControlPlaneProcess cp, Map<String, List<String>> clustersByVersion) {
        await("desired state written").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> clustersByVersion.entrySet().stream().allMatch(e -> e.getValue().stream().allMatch(id ->
                        cp.get("/api/v1/clusters/" + id).body().path("workloads").findValuesAsText("image").stream()
                                .anyMatch(i -> i.endsWith(":" + e.getKey())))));
    }

    private static long desiredGeneration(ControlPlaneProcess cp, String id) {
        return cp.get("/api/v1/clusters/" + id).body().get("desiredGeneration").asLong();
    }

    private static void register(ControlPlaneProcess cp, String id, String jurisdiction) {
        assertThat(cp.post("/api/v1/clusters", """
                {"id": "%s", "jurisdiction": "%s", "latitude": 50.0, "longitude": 8.0,
                 "capacity": {"cpu": "16", "memory": "64Gi"}}""".formatted(id, jurisdiction)).status()).isEqualTo(201);
    }

    private static void apply(ControlPlaneProcess cp, String name, String jurisdiction, String version) {
        assertThat(cp.post("/api/v1/policies", policy(name, jurisdiction, version)).status()).isEqualTo(200);
    }

    private static String policy(String name, String jurisdiction, String version) {
        return """
                {"apiVersion": "flotilla.io/v1alpha1", "kind": "FleetPolicy", "metadata": {"name": "%s"},
                 "spec": {"workload": {"model": "m", "image": "registry.example/chat:%s",
                                       "resources": {"gpu": 0, "cpu": "1", "memory": "1Gi"}},
                          "placement": {"jurisdictions": ["%s"], "minClusters": 1, "maxClusters": %d},
                          "rollout": {"waveSize": "100%%", "maxUnavailable": "100%%"}}}"""
                .formatted(name, version, jurisdiction, CLUSTERS_PER_JURISDICTION);
    }
}
