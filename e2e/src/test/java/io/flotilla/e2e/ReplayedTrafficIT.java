package io.flotilla.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotilla.proto.Topics;
import io.flotilla.simulator.FleetSimulator;
import io.flotilla.simulator.SimCluster;
import io.flotilla.simulator.SimOptions;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.Test;

/**
 * Duplicated, reordered and stale messages on every topic. A control plane (embedded broker) and three simulated
 * clusters (real agents, enrolled through the API, telemetry every second) go through three policy versions while a
 * client logged in as the control plane's broker user records all the real traffic: desired state, status, presence
 * and telemetry. That client then publishes it all again: every message one to three times in a shuffled order, then
 * everything once more newest first, so old messages arrive after new ones.
 *
 * <p>Throughout, a sampler watches that state never moves backwards: no agent's applied generation decreases, and the
 * control plane's view of each cluster (applied generation, health, last status time) never goes back. The control
 * plane must count every replayed report as {@code flotilla_mqtt_rejected_total{reason="REPLAYED"}}, the agents keep
 * the newest generation, and a fourth policy version afterwards still converges: the replays poisoned nothing.
 */
class ReplayedTrafficIT {

    private static final int CLUSTERS = 3;

    static {
        FleetLogging.quiet();
    }

    private record Recorded(String topic, Topics.Kind kind, byte[] payload) {
    }

    /** One sample of the control plane's view of a cluster. */
    private record View(long appliedGeneration, String health, Instant lastStatusAt) {
    }

    private final List<Recorded> recorded = new CopyOnWriteArrayList<>();
    private final AtomicBoolean recording = new AtomicBoolean(true);
    /** While the replays are delivered, health must not change at all; a rollout may change it legitimately. */
    private final AtomicBoolean replaying = new AtomicBoolean();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final Map<String, Long> lastApplied = new ConcurrentHashMap<>();
    private final Map<String, View> lastView = new ConcurrentHashMap<>();

    @Test
    void replayedDuplicatedAndStaleMessagesNeverMoveStateBackwards() throws Exception {
        Path workDir = ManagedProcess.freshWorkDir("replayed-traffic");
        int mqttPort = ManagedProcess.freePort();
        List<String> properties = List.of("-Dflotilla.placement.require-online=false",
                "-Dflotilla.placement.debounce=100ms", "-Dflotilla.broker.embedded=true",
                "-Dflotilla.broker.port=" + mqttPort);
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        try (ControlPlaneProcess cp = ControlPlaneProcess.start("control-plane", workDir, ManagedProcess.freePort(),
                properties);
                PrintStream fleetLog = new PrintStream(Files.newOutputStream(workDir.resolve("fleet.log")), true)) {
            MqttClient client = recorder(mqttPort, cp.brokerPassword());
            Map<String, Double> replayedBefore = replayedCount(cp);
            try (FleetSimulator sim = FleetSimulator.start(SimOptions.parse("--clusters", String.valueOf(CLUSTERS),
                    "--control-plane", cp.url(), "--token", cp.adminToken(),
                    "--broker", "tcp://127.0.0.1:" + mqttPort, "--prefix", "replay", "--telemetry-interval", "1s",
                    "--informers", "false", "--model-servers", "false", "--ready-delay", "0s"), fleetLog)) {
                List<String> ids = sim.clusters().stream().map(SimCluster::id).sorted().toList();
                TreeSet<String> jurisdictions = sim.clusters().stream().map(SimCluster::jurisdiction)
                        .collect(Collectors.toCollection(TreeSet::new));
                await("fleet connected").atMost(Duration.ofMinutes(2)).until(() -> sim.connected() == CLUSTERS);
                for (String version : List.of("v1", "v2", "v3")) {
                    apply(cp, jurisdictions, version);
                    awaitConverged(cp, sim, ids, version);
                }
                await("telemetry recorded").atMost(Duration.ofSeconds(30)).until(() -> ids.stream().allMatch(id ->
                        recorded.stream().filter(r -> r.kind() == Topics.Kind.TELEMETRY
                                && r.topic().equals(Topics.telemetry(id))).count() >= 3));
                recording.set(false);
                Map<String, Long> generations = sim.appliedGenerations();

                sampler.scheduleWithFixedDelay(() -> sample(cp, sim, ids), 0, 50, TimeUnit.MILLISECONDS);
                await("first samples").atMost(Duration.ofSeconds(10)).until(() -> lastView.size() == CLUSTERS);
                Map<String, View> before = Map.copyOf(lastView);
                replaying.set(true);

                // every recorded message one to three times, shuffled; then all of them newest first
                List<Recorded> replay = new ArrayList<>();
                Random random = new Random(42);
                for (Recorded r : recorded) {
                    for (int i = random.nextInt(3); i >= 0; i--) {
                        replay.add(r);
                    }
                }
                Collections.shuffle(replay, random);
                List<Recorded> newestFirst = new ArrayList<>(recorded);
                Collections.reverse(newestFirst);
                replay.addAll(newestFirst);
                Map<Topics.Kind, Integer> replayed = new EnumMap<>(Topics.Kind.class);
                for (Recorded r : replay) {
                    MqttMessage m = new MqttMessage(r.payload());
                    m.setQos(1);
                    client.publish(r.topic(), m);
                    replayed.merge(r.kind(), 1, Integer::sum);
                }
                System.out.printf("recorded %d messages %s; replayed %d %s%n", recorded.size(), countByKind(recorded),
                        replay.size(), replayed);

                // every replayed report is refused as REPLAYED, and nothing else is: each kind's count grows by
                // exactly the number of its copies sent again (the originals were all processed before the replay)
                Map<String, Double> expected = new TreeMap<>();
                replayed.forEach((kind, n) -> {
                    if (kind != Topics.Kind.DESIRED) {
                        expected.put(kind.level(), replayedBefore.getOrDefault(kind.level(), 0.0) + n);
                    }
                });
                await("replays refused").atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                        assertThat(replayedCount(cp)).isEqualTo(expected));
                System.out.printf("REPLAYED by kind: %s%n", replayedCount(cp));
                // the agents got the stale desired states in order on their sessions: they must keep the newest
                await("agents keep the newest generation").during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
                        .until(() -> sim.appliedGenerations().equals(generations));
                Map<String, View> after = Map.copyOf(lastView);
                for (String id : ids) {
                    assertThat(after.get(id).appliedGeneration()).as("applied generation of %s", id)
                            .isEqualTo(before.get(id).appliedGeneration()).isEqualTo(generations.get(id));
                    assertThat(after.get(id).health()).as("health of %s", id).isEqualTo(before.get(id).health());
                }
                assertThat(violations).as("state that moved backwards").isEmpty();
                replaying.set(false);

                apply(cp, jurisdictions, "v4");
                awaitConverged(cp, sim, ids, "v4");
                assertThat(violations).as("state that moved backwards").isEmpty();
            } finally {
                sampler.shutdownNow();
                client.disconnect();
                client.close();
            }
        }
    }

    /** Records every message on every cluster's topics while {@link #recording} is on. */
    private MqttClient recorder(int mqttPort, String password) throws Exception {
        MqttClient client = new MqttClient("tcp://127.0.0.1:" + mqttPort, "replay-recorder", new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setUserName(ControlPlaneProcess.BROKER_USER);
        options.setPassword(password.getBytes(StandardCharsets.UTF_8));
        client.connect(options);
        client.subscribe(new MqttSubscription[] {new MqttSubscription(Topics.ROOT + "+/+", 1)},
                new IMqttMessageListener[] {(topic, message) -> {
                    if (recording.get()) {
                        recorded.add(new Recorded(topic, Topics.parse(topic).orElseThrow().kind(), message.getPayload()));
                    }
                }});
        return client;
    }

    /** Notes every step backwards of an agent's applied generation or of the control plane's view. */
    private void sample(ControlPlaneProcess cp, FleetSimulator sim, List<String> ids) {
        try {
            sim.appliedGenerations().forEach((id, g) -> {
                Long last = lastApplied.put(id, g);
                if (last != null && g < last) {
                    violations.add("agent " + id + " applied generation went from " + last + " to " + g);
                }
            });
            for (JsonNode c : cp.get("/api/v1/clusters").body()) {
                String id = c.get("id").asText();
                if (!ids.contains(id)) {
                    continue;
                }
                View now = new View(c.get("appliedGeneration").asLong(), c.get("health").asText(),
                        c.path("lastStatusAt").isTextual() ? Instant.parse(c.get("lastStatusAt").asText()) : null);
                View last = lastView.put(id, now);
                if (last == null) {
                    continue;
                }
                if (now.appliedGeneration() < last.appliedGeneration()) {
                    violations.add("control plane: applied generation of " + id + " went from "
                            + last.appliedGeneration() + " to " + now.appliedGeneration());
                }
                if (replaying.get() && !now.health().equals(last.health())) {
                    violations.add("control plane: health of " + id + " went from " + last.health() + " to "
                            + now.health());
                }
                if (last.lastStatusAt() != null && (now.lastStatusAt() == null
                        || now.lastStatusAt().isBefore(last.lastStatusAt()))) {
                    violations.add("control plane: last status of " + id + " went from " + last.lastStatusAt()
                            + " to " + now.lastStatusAt());
                }
            }
        } catch (RuntimeException e) {
            violations.add("sampling failed: " + e);
        }
    }

    private static void awaitConverged(ControlPlaneProcess cp, FleetSimulator sim, List<String> ids, String version) {
        await(version + " applied everywhere").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> {
                    Map<String, Long> applied = sim.appliedGenerations();
                    Map<String, String> behind = new TreeMap<>();
                    for (JsonNode c : cp.get("/api/v1/clusters").body()) {
                        String id = c.get("id").asText();
                        long desired = c.get("desiredGeneration").asLong();
                        boolean onVersion = c.path("workloads").findValuesAsText("image").stream()
                                .anyMatch(i -> i.endsWith(":" + version));
                        if (ids.contains(id) && (!onVersion || desired != c.get("appliedGeneration").asLong()
                                || desired != applied.get(id) || !"READY".equals(c.get("health").asText()))) {
                            behind.put(id, c.get("health").asText() + ", desired " + desired + ", reported applied "
                                    + c.get("appliedGeneration").asLong() + ", agent applied " + applied.get(id));
                        }
                    }
                    assertThat(behind).isEmpty();
                });
    }

    /** {@code flotilla_mqtt_rejected_total{reason="REPLAYED"}} by kind. */
    private static Map<String, Double> replayedCount(ControlPlaneProcess cp) {
        Map<String, Double> byKind = new TreeMap<>();
        for (String line : cp.getText("/q/metrics").split("\n")) {
            if (line.startsWith("flotilla_mqtt_rejected_total{") && line.contains("reason=\"REPLAYED\"")) {
                int k = line.indexOf("kind=\"") + 6;
                byKind.merge(line.substring(k, line.indexOf('"', k)),
                        Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)), Double::sum);
            }
        }
        return byKind;
    }

    private static Map<Topics.Kind, Long> countByKind(List<Recorded> messages) {
        return messages.stream().collect(Collectors.groupingBy(Recorded::kind, () -> new EnumMap<>(Topics.Kind.class),
                Collectors.counting()));
    }

    private static void apply(ControlPlaneProcess cp, Set<String> jurisdictions, String version) {
        String policy = """
                {"apiVersion": "flotilla.io/v1alpha1", "kind": "FleetPolicy", "metadata": {"name": "replay"},
                 "spec": {"workload": {"model": "m", "image": "registry.example/chat:%s",
                                       "resources": {"gpu": 0, "cpu": "100m", "memory": "128Mi"}},
                          "placement": {"clusterSelector": {"matchLabels": {"simulated": "true"}},
                                        "jurisdictions": [%s], "minClusters": 1, "maxClusters": %d},
                          "rollout": {"waveSize": "100%%", "maxUnavailable": "100%%"}}}"""
                .formatted(version, jurisdictions.stream().map(j -> '"' + j + '"').collect(Collectors.joining(", ")),
                        CLUSTERS);
        ControlPlaneProcess.Response r = cp.post("/api/v1/policies", policy);
        assertThat(r.status()).as("applying %s: %s", version, r.body()).isEqualTo(200);
    }
}
