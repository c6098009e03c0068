package io.flotilla.simulator;

import static io.flotilla.agent.Fixtures.workload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.flotilla.proto.EnvelopeCodec;
import io.flotilla.proto.ProtocolException;
import io.flotilla.proto.SigningKey;
import io.flotilla.proto.Topics;
import io.flotilla.proto.v1.ClusterStatus;
import io.flotilla.proto.v1.DesiredState;
import io.flotilla.proto.v1.InferenceWorkload;
import io.flotilla.proto.v1.LoadReport;
import io.flotilla.proto.v1.Presence;
import io.flotilla.proto.v1.Resources;
import io.flotilla.proto.v1.TelemetryReport;
import io.flotilla.proto.v1.WorkloadCondition;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Three simulated clusters against a real Mosquitto: signed desired state in, status and telemetry out; on each
 * simulated cluster API (the CRUD mock with the agents' informers on, as they are by default there).
 */
class FleetSimulatorTest {

    private static final Path MOSQUITTO = Path.of("/usr/sbin/mosquitto");

    @TempDir
    Path dir;

    private Process broker;
    private int port;
    private FleetSimulator sim;
    private MqttAsyncClient observer;
    private final Map<String, ClusterStatus> statuses = new ConcurrentHashMap<>();
    private final Map<String, TelemetryReport> telemetry = new ConcurrentHashMap<>();
    private final Map<String, LoadReport> loads = new ConcurrentHashMap<>();
    private final Map<String, Presence> presence = new ConcurrentHashMap<>();
    /** Every presence message, as cluster=STATE, in arrival order. */
    private final List<String> presenceLog = new CopyOnWriteArrayList<>();
    private final EnvelopeCodec reader = EnvelopeCodec.builder("flotilla/control-plane").requireSignature(false).build();

    @BeforeEach
    void startBroker() throws Exception {
        if (!Files.isExecutable(MOSQUITTO)) {
            String why = MOSQUITTO + " is not installed (apt-get install mosquitto); skipping the fleet simulator test";
            if ("1".equals(System.getenv("FLOTILLA_REQUIRE_MOSQUITTO"))) {
                throw new AssertionError(why + " although FLOTILLA_REQUIRE_MOSQUITTO=1");
            }
            Assumptions.abort(why);
        }
        try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Path conf = dir.resolve("mosquitto.conf");
        Files.writeString(conf, "listener " + port + " 127.0.0.1\nallow_anonymous true\npersistence false\n");
        broker = new ProcessBuilder(MOSQUITTO.toString(), "-c", conf.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("mosquitto.log").toFile()).start();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return true;
            } catch (IOException e) {
                assertThat(broker.isAlive()).as("mosquitto exited: " + Files.readString(dir.resolve("mosquitto.log")))
                        .isTrue();
                return false;
            }
        });
    }

    @AfterEach
    void stop() throws Exception {
        if (sim != null) {
            sim.close();
        }
        if (observer != null) {
            observer.disconnectForcibly(0, 1000, false);
            observer.close(true);
        }
        if (broker != null) {
            broker.destroy();
            if (!broker.waitFor(5, TimeUnit.SECONDS)) {
                broker.destroyForcibly();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"light", "crud"})
    void simulatedClustersApplySignedDesiredStateReportAvailableAndSendTelemetry(String clusterApi) throws Exception {
        SigningKey controlPlaneKey = SigningKey.generate(new SecureRandom());
        String url = "tcp://127.0.0.1:" + port;
        observe(url);

        sim = FleetSimulator.start(SimOptions.parse("--clusters=3", "--no-register",
                "--key=" + controlPlaneKey.verificationKey().toBase64(), "--broker=" + url,
                "--telemetry-interval=500ms", "--load-interval=500ms", "--ready-delay=500ms", "--progress-interval=1s",
                "--state-dir=" + dir.resolve("state"), "--cluster-api=" + clusterApi), System.out);
        List<SimCluster> clusters = sim.clusters();
        assertThat(clusters).hasSize(3).extracting(SimCluster::id).doesNotHaveDuplicates()
                .allMatch(id -> id.startsWith("sim-") && id.endsWith("-1"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(sim.connected()).isEqualTo(3));

        String target = clusters.get(1).id();
        DesiredState desired = DesiredState.newBuilder().setClusterId(target).setGeneration(1)
                .addWorkloads(workload("chat")).build();
        EnvelopeCodec controlPlane = EnvelopeCodec.builder("flotilla/control-plane").signWith(controlPlaneKey).build();
        observer.publish(Topics.desired(target), controlPlane.encode(target, desired), 1, true)
                .waitForCompletion(5000);

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            ClusterStatus status = statuses.get(target);
            assertThat(status).isNotNull();
            assertThat(status.getAppliedGeneration()).isEqualTo(1);
            assertThat(status.getWorkloadsList()).singleElement().satisfies(w -> {
                assertThat(w.getName()).isEqualTo("chat");
                assertThat(w.getCondition()).isEqualTo(WorkloadCondition.WORKLOAD_CONDITION_AVAILABLE);
                assertThat(w.getReadyReplicas()).isEqualTo(1);
            });
        });
        assertThat(sim.appliedGenerations()).containsEntry(target, 1L);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(telemetry.keySet()).containsExactlyInAnyOrderElementsOf(
                    clusters.stream().map(SimCluster::id).toList());
            TelemetryReport report = telemetry.get(target);
            assertThat(report.getGpusList()).isNotEmpty().allSatisfy(g -> {
                assertThat(g.getUtilizationPercent()).isBetween(0.0, 100.0);
                assertThat(g.getMemoryTotalMib()).isPositive();
                assertThat(g.getPowerWatts()).isPositive();
            });
            assertThat(report.getInferenceList()).extracting(l -> l.getWorkload()).containsExactly("chat");
            assertThat(report.getCpu().getCapacityCores()).isPositive();
            assertThat(loads.get(target).getLoadsList()).extracting(l -> l.getWorkload()).containsExactly("chat");
        });
        assertThat(presence.get(target).getState()).isEqualTo(Presence.State.STATE_ONLINE);

        sim.close();
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(clusters).allSatisfy(c ->
                assertThat(presence.get(c.id()).getState()).isEqualTo(Presence.State.STATE_OFFLINE)));
    }

    /**
     * A restarted agent announces OFFLINE, comes back ONLINE with the applied generation it had stored, and applies a
     * generation published while it was gone; the other agents are untouched, and the fleet counts the restart.
     */
    @Test
    void aRestartedAgentKeepsItsStateReconnectsAndAppliesWhatWasPublishedMeanwhile() throws Exception {
        SigningKey controlPlaneKey = SigningKey.generate(new SecureRandom());
        String url = "tcp://127.0.0.1:" + port;
        observe(url);
        sim = FleetSimulator.start(SimOptions.parse("--clusters=2", "--no-register",
                "--key=" + controlPlaneKey.verificationKey().toBase64(), "--broker=" + url,
                "--telemetry-interval=500ms", "--ready-delay=0s", "--progress-interval=1s",
                "--state-dir=" + dir.resolve("state")), System.out);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(sim.connected()).isEqualTo(2));
        String target = sim.clusters().get(0).id();
        String other = sim.clusters().get(1).id();
        EnvelopeCodec controlPlane = EnvelopeCodec.builder("flotilla/control-plane").signWith(controlPlaneKey).build();
        observer.publish(Topics.desired(target), controlPlane.encode(target, desired(target, 1, "v1")), 1, true)
                .waitForCompletion(5000);
        await().atMost(Duration.ofSeconds(30)).until(() -> sim.appliedGenerations().get(target) == 1L);
        await().atMost(Duration.ofSeconds(10)).until(() -> sim.telemetryReportsSent() >= 4);

        int before = presenceLog.size();
        assertThat(sim.restart(target)).isTrue();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(sim.connected()).isEqualTo(2);
            List<String> log = List.copyOf(presenceLog);
            assertThat(log.subList(before, log.size())).containsSubsequence(
                    target + "=" + Presence.State.STATE_OFFLINE, target + "=" + Presence.State.STATE_ONLINE);
        });
        assertThat(sim.appliedGenerations()).containsEntry(target, 1L).containsEntry(other, 0L);
        assertThat(sim.restarts()).isEqualTo(1);

        observer.publish(Topics.desired(target), controlPlane.encode(target, desired(target, 2, "v2")), 1, true)
                .waitForCompletion(5000);
        await().atMost(Duration.ofSeconds(30)).until(() -> sim.appliedGenerations().get(target) == 2L);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(statuses.get(target).getAppliedGeneration()).isEqualTo(2));
        long sent = sim.telemetryReportsSent();
        await().atMost(Duration.ofSeconds(10)).until(() -> sim.telemetryReportsSent() > sent);
        assertThatThrownBy(() -> sim.restart("no-such-cluster"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static DesiredState desired(String cluster, long generation, String tag) {
        return DesiredState.newBuilder()
                .setClusterId(cluster)
                .setGeneration(generation)
                .addWorkloads(InferenceWorkload.newBuilder()
                        .setName("chat")
                        .setModel("m")
                        .setRuntime("vllm")
                        .setImage("registry.example/chat:" + tag)
                        .setPort(8000)
                        .setReplicas(1)
                        .setPolicy("chat")
                        .setResources(Resources.newBuilder().setGpu(0).setCpu("1").setMemory("1Gi")))
                .build();
    }

    private void observe(String url) throws MqttException {
        observer = new MqttAsyncClient(url, "flotilla-test-observer", new MemoryPersistence());
        observer.setCallback(new MqttCallback() {
            @Override
            public void messageArrived(String topic, MqttMessage message) {
                Optional<Topics.Parsed> parsed = Topics.parse(topic);
                if (parsed.isEmpty()) {
                    return;
                }
                String cluster = parsed.get().clusterId();
                try {
                    switch (parsed.get().kind()) {
                        case STATUS -> statuses.put(cluster,
                                reader.decodeFrom(message.getPayload(), cluster, ClusterStatus.getDefaultInstance(), sim.agentKeys().get(cluster)).payload());
                        case TELEMETRY -> telemetry.put(cluster,
                                reader.decodeFrom(message.getPayload(), cluster, TelemetryReport.getDefaultInstance(), sim.agentKeys().get(cluster)).payload());
                        case LOAD -> loads.put(cluster,
                                reader.decodeFrom(message.getPayload(), cluster, LoadReport.getDefaultInstance(), sim.agentKeys().get(cluster)).payload());
                        case PRESENCE -> {
                            Presence p = reader.decodeFrom(message.getPayload(), cluster, Presence.getDefaultInstance(),
                                    sim.agentKeys().get(cluster)).payload();
                            presence.put(cluster, p);
                            presenceLog.add(cluster + "=" + p.getState());
                        }
                        default -> {
                        }
                    }
                } catch (ProtocolException e) {
                    throw new AssertionError("unreadable message on " + topic, e);
                }
            }

            @Override
            public void disconnected(MqttDisconnectResponse response) {
            }

            @Override
            public void mqttErrorOccurred(MqttException exception) {
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
        observer.connect(options).waitForCompletion(10_000);
        observer.subscribe(new MqttSubscription[] {
                new MqttSubscription(Topics.allClusters(Topics.Kind.STATUS), 1),
                new MqttSubscription(Topics.allClusters(Topics.Kind.TELEMETRY), 1),
                new MqttSubscription(Topics.allClusters(Topics.Kind.LOAD), 0),
                new MqttSubscription(Topics.allClusters(Topics.Kind.PRESENCE), 1)}).waitForCompletion(10_000);
    }
}
