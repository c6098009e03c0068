package io.flotilla.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotilla.proto.EnvelopeCodec;
import io.flotilla.proto.VerificationKey;
import io.flotilla.simulator.FleetSimulator;
import io.flotilla.simulator.SimCluster;
import io.flotilla.simulator.SimOptions;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Mosquitto is restarted in the middle of a rollout wave, with its persistence on (retained messages and sessions
 * saved at shutdown) and off (everything in memory lost). A control plane against it and 20 simulated clusters (real
 * agents, telemetry off); a policy change rolls out in waves of 25%, and the broker is stopped and started again on
 * the same port as soon as the first wave has been sent. The rollout must then finish, every cluster apply the new
 * generation (exactly one generation past the one before the change: none skipped, none extra), no agent's applied
 * generation ever decrease, and no cluster be sent an older generation after a newer one. A new subscriber must then
 * find every cluster's newest desired state retained on the broker (what a reinstalled agent would get), with
 * persistence and without.
 */
class BrokerRestartMidRolloutIT {

    private static final int CLUSTERS = 20;

    static {
        FleetLogging.quiet();
    }

    @Test
    void persistentBrokerRestartedMidWaveRolloutCompletesAndEveryNewestStateStaysRetained() throws Exception {
        restartBrokerMidWave("broker-restart-persistent", true);
    }

    /**
     * Retained messages and QoS 1 sessions are lost with the broker: what a cluster did not acknowledge is published
     * again after the acknowledgement timeout, and the control plane, finding its retained marker gone, publishes every
     * cluster's newest state again, also for the clusters that had applied it before the restart.
     */
    @Test
    void nonPersistentBrokerRestartedMidWaveRolloutCompletesAndEveryNewestStateIsRetainedAgain() throws Exception {
        restartBrokerMidWave("broker-restart-in-memory", false);
    }

    private static void restartBrokerMidWave(String name, boolean persistent) throws Exception {
        Path binary = Mosquitto.binaryOrSkip("broker restart test");
        Path workDir = ManagedProcess.freshWorkDir(name);
        Path brokerDir = workDir.resolve("broker");
        int mqttPort = ManagedProcess.freePort();
        Mosquitto broker = Mosquitto.start(binary, brokerDir, mqttPort, persistent);
        List<String> properties = new ArrayList<>(broker.controlPlaneProperties());
        properties.addAll(List.of("-Dflotilla.broker.embedded=false", "-Dflotilla.broker.port=" + mqttPort,
                "-Dflotilla.placement.require-online=false", "-Dflotilla.placement.debounce=100ms",
                "-Dflotilla.fleet.heartbeat-timeout=1h", "-Dflotilla.dispatch.retry-interval=1s",
                "-Dflotilla.dispatch.publish-timeout=2s", "-Dflotilla.dispatch.ack-timeout=10s",
                "-Dflotilla.dispatch.retained-check-interval=2s"));
        List<String> violations = new CopyOnWriteArrayList<>();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        try (ControlPlaneProcess cp = ControlPlaneProcess.start("control-plane", workDir, ManagedProcess.freePort(),
                properties);
                PrintStream fleetLog = new PrintStream(Files.newOutputStream(workDir.resolve("fleet.log")), true)) {
            EnvelopeCodec codec = EnvelopeCodec.builder("e2e").trust(VerificationKey.fromBase64(cp.publicKey())).build();
            try (DesiredStateObserver observer = new DesiredStateObserver(mqttPort, cp.brokerPassword(), codec);
                    FleetSimulator sim = FleetSimulator.start(SimOptions.parse("--clusters", String.valueOf(CLUSTERS),
                            "--control-plane", cp.url(), "--token", cp.adminToken(),
                            "--broker", "tcp://127.0.0.1:" + mqttPort, "--prefix", "restart",
                            "--telemetry-interval", "0", "--informers", "false", "--model-servers", "false",
                            "--ready-delay", "1s"), fleetLog)) {
                List<String> ids = sim.clusters().stream().map(SimCluster::id).sorted().toList();
                TreeSet<String> jurisdictions = sim.clusters().stream().map(SimCluster::jurisdiction)
                        .collect(Collectors.toCollection(TreeSet::new));
                await("fleet connected").atMost(Duration.ofMinutes(2)).until(() -> sim.connected() == CLUSTERS);
                apply(cp, jurisdictions, "v1");
                // a policy's first version starts no rollout: it updates no running cluster
                awaitApplied(cp, sim, ids);
                Map<String, Long> before = sim.appliedGenerations();

                Map<String, Long> lastApplied = new ConcurrentHashMap<>(before);
                sampler.scheduleWithFixedDelay(() -> sim.appliedGenerations().forEach((id, g) -> {
                    Long last = lastApplied.put(id, g);
                    if (last != null && g < last) {
                        violations.add(id + " applied generation went from " + last + " to " + g);
                    }
                }), 0, 20, TimeUnit.MILLISECONDS);

                Set<String> sentV2 = ConcurrentHashMap.newKeySet();
                CountDownLatch firstWaveSent = new CountDownLatch(1);
                observer.onReceived((cluster, state) -> {
                    if (state.getWorkloadsCount() > 0 && state.getWorkloads(0).getImage().endsWith(":v2")
                            && sentV2.add(cluster) && sentV2.size() >= CLUSTERS / 4) {
                        firstWaveSent.countDown();
                    }
                });
                apply(cp, jurisdictions, "v2");
                assertThat(firstWaveSent.await(2, TimeUnit.MINUTES)).as("first wave sent").isTrue();
                broker.close();
                int sentBeforeRestart = sentV2.size();
                broker = Mosquitto.start(binary, brokerDir, mqttPort, persistent);
                System.out.printf("%s: broker restarted with %d/%d clusters sent v2%n", name, sentBeforeRestart, CLUSTERS);
                assertThat(sentBeforeRestart).as("restarted in the middle of the rollout").isLessThan(CLUSTERS);
                observer.reconnect();

                long restarted = System.nanoTime();
                awaitRolledOut(cp, sim, ids);
                System.out.printf("%s: rollout done %.1f s after the broker restart%n", name,
                        (System.nanoTime() - restarted) / 1e9);
                Map<String, Long> after = sim.appliedGenerations();
                Map<String, Long> expected = new TreeMap<>();
                before.forEach((id, g) -> expected.put(id, g + 1));
                assertThat(new TreeMap<>(after)).as("one generation per cluster for one change").isEqualTo(expected);

                Map<String, List<Long>> backwards = new TreeMap<>();
                for (String id : ids) {
                    List<Long> generations = observer.generations(id);
                    for (int i = 1; i < generations.size(); i++) {
                        if (generations.get(i) < generations.get(i - 1)) {
                            backwards.put(id, generations);
                        }
                    }
                }
                assertThat(backwards).as("clusters sent an older generation after a newer one").isEmpty();
                assertThat(observer.generationsWithDifferentPayloads()).isEmpty();
                assertThat(violations).as("applied generations that went backwards").isEmpty();

                // what a reinstalled agent would find: every cluster's newest state, retained
                try (DesiredStateObserver fresh = new DesiredStateObserver(mqttPort, cp.brokerPassword(), codec)) {
                    await("newest desired states retained").atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                        Map<String, Long> retained = new TreeMap<>();
                        ids.forEach(id -> retained.put(id, fresh.newest(id)));
                        assertThat(retained).isEqualTo(expected);
                    });
                }
            } finally {
                sampler.shutdownNow();
            }
        } finally {
            broker.close();
        }
    }

    /** Waits until the policy's rollout is done and every cluster's agent applied its desired generation. */
    private static void awaitRolledOut(ControlPlaneProcess cp, FleetSimulator sim, List<String> ids) {
        await("rollout done").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(cp.get("/api/v1/policies/restart/rollout").body().path("state").asText()).isEqualTo("DONE"));
        awaitApplied(cp, sim, ids);
    }

    /** Waits until every cluster's agent applied the desired generation the control plane holds for it. */
    private static void awaitApplied(ControlPlaneProcess cp, FleetSimulator sim, List<String> ids) {
        await("applied everywhere").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            Map<String, Long> applied = sim.appliedGenerations();
            Map<String, String> behind = new TreeMap<>();
            for (JsonNode c : cp.get("/api/v1/clusters").body()) {
                String id = c.get("id").asText();
                long desired = c.get("desiredGeneration").asLong();
                if (ids.contains(id) && (desired == 0 || desired != applied.get(id))) {
                    behind.put(id, "desired " + desired + ", applied " + applied.get(id));
                }
            }
            assertThat(behind).isEmpty();
        });
    }

    private static void apply(ControlPlaneProcess cp, Set<String> jurisdictions, String version) {
        String policy = """
                {"apiVersion": "flotilla.io/v1alpha1", "kind": "FleetPolicy", "metadata": {"name": "restart"},
                 "spec": {"workload": {"model": "m", "image": "registry.example/chat:%s",
                                       "resources": {"gpu": 0, "cpu": "100m", "memory": "128Mi"}},
                          "placement": {"clusterSelector": {"matchLabels": {"simulated": "true"}},
                                        "jurisdictions": [%s], "minClusters": 1, "maxClusters": %d},
                          "rollout": {"waveSize": "25%%", "maxUnavailable": "25%%", "pauseOnFailure": false}}}"""
                .formatted(version, jurisdictions.stream().map(j -> '"' + j + '"').collect(Collectors.joining(", ")),
                        CLUSTERS);
        ControlPlaneProcess.Response r = cp.post("/api/v1/policies", policy);
        assertThat(r.status()).as("applying %s: %s", version, r.body()).isEqualTo(200);
    }
}
