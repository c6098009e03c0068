package io.flotilla.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotilla.agent.state.DesiredStateStore;
import io.flotilla.proto.EnvelopeCodec;
import io.flotilla.proto.VerificationKey;
import io.flotilla.proto.v1.DesiredState;
import io.flotilla.simulator.FleetSimulator;
import io.flotilla.simulator.SimCluster;
import io.flotilla.simulator.SimOptions;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The control plane is killed with SIGKILL in the middle of publishing one change to 100 clusters, then started
 * again on the same data folder (H2 file database). The fleet is the fleet simulator in this JVM: 100 real agents
 * (signature check, on-disk store, reconcile against a simulated Kubernetes API), enrolled through the API, telemetry
 * off. The outbox is drained one entry at a time (the default batch is 2,000) so that publication takes 100 broker
 * round trips and 200 database commits, and the kill is sent as soon as 25 clusters have been sent the change: at that
 * moment part of the outbox is published and part is not, which the test checks in the database of the dead process
 * before restarting it. (In batches of 10, Mosquitto and the control plane once published all 100 between the 25th
 * arriving at the test's observer and the kill landing.)
 *
 * <p>Afterwards: every cluster applies the generation the outbox held at the kill (nothing accepted is lost), every
 * outbox row is marked published, no cluster was ever sent two different desired states under one generation (its
 * re-publication after the restart is the very same state), and what each agent stored after verifying it is that one
 * state. With the embedded broker the broker dies with the control plane, so the agents must reconnect to the
 * restarted one, which starts without retained messages; with Mosquitto the broker stays up.
 */
class ControlPlaneCrashMidDispatchIT {

    private static final int CLUSTERS = 100;
    /** The kill is sent once this many clusters have been sent the change. */
    private static final int KILL_AFTER = 25;
    private static final List<String> DISPATCH = List.of(
            "-Dflotilla.placement.require-online=false", "-Dflotilla.placement.debounce=100ms",
            // the simulated agents send no telemetry, which is the heartbeat
            "-Dflotilla.fleet.heartbeat-timeout=1h",
            "-Dflotilla.dispatch.batch-size=1", "-Dflotilla.dispatch.retry-interval=1s",
            "-Dflotilla.dispatch.publish-timeout=2s");

    static {
        FleetLogging.quiet();
    }

    @Test
    void embeddedBrokerEveryClusterConvergesAfterKillMidDispatch() throws Exception {
        Path workDir = ManagedProcess.freshWorkDir("crash-mid-dispatch-embedded");
        int mqttPort = ManagedProcess.freePort();
        List<String> properties = new ArrayList<>(DISPATCH);
        properties.addAll(List.of("-Dflotilla.broker.embedded=true", "-Dflotilla.broker.port=" + mqttPort));
        killMidDispatchAndRestart(workDir, mqttPort, properties, true);
    }

    @Test
    void mosquittoEveryClusterConvergesAfterKillMidDispatch() throws Exception {
        Path binary = Mosquitto.binaryOrSkip("crash mid-dispatch test");
        Path workDir = ManagedProcess.freshWorkDir("crash-mid-dispatch-mosquitto");
        try (Mosquitto mosquitto = Mosquitto.start(binary, workDir.resolve("broker"))) {
            List<String> properties = new ArrayList<>(DISPATCH);
            properties.addAll(mosquitto.controlPlaneProperties());
            properties.addAll(List.of("-Dflotilla.broker.embedded=false", "-Dflotilla.broker.port=" + mosquitto.port()));
            killMidDispatchAndRestart(workDir, mosquitto.port(), properties, false);
        }
    }

    private static void killMidDispatchAndRestart(Path workDir, int mqttPort, List<String> properties,
            boolean brokerDiesWithControlPlane) throws Exception {
        int httpPort = ManagedProcess.freePort();
        Path agentState = workDir.resolve("agents");
        ControlPlaneProcess cp = ControlPlaneProcess.start("control-plane-1", workDir, httpPort, properties);
        FleetSimulator sim = null;
        DesiredStateObserver observer = null;
        try (PrintStream fleetLog = new PrintStream(Files.newOutputStream(workDir.resolve("fleet.log")), true)) {
            EnvelopeCodec codec = EnvelopeCodec.builder("e2e").trust(VerificationKey.fromBase64(cp.publicKey())).build();
            observer = new DesiredStateObserver(mqttPort, cp.brokerPassword(), codec);
            sim = FleetSimulator.start(SimOptions.parse("--clusters", String.valueOf(CLUSTERS),
                    "--control-plane", cp.url(), "--token", cp.adminToken(),
                    "--broker", "tcp://127.0.0.1:" + mqttPort, "--prefix", "crash",
                    "--telemetry-interval", "0", "--informers", "false", "--model-servers", "false",
                    "--ready-delay", "0s", "--progress-interval", "5s", "--state-dir", agentState.toString()), fleetLog);
            FleetSimulator fleet = sim;
            List<String> ids = sim.clusters().stream().map(SimCluster::id).sorted().toList();
            TreeSet<String> jurisdictions = sim.clusters().stream().map(SimCluster::jurisdiction)
                    .collect(Collectors.toCollection(TreeSet::new));
            await("fleet connected").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                    .until(() -> fleet.connected() == CLUSTERS);

            apply(cp, jurisdictions, "v1");
            ControlPlaneProcess first = cp;
            await("v1 applied everywhere").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> assertThat(behind(first, fleet, ids)).isEmpty());

            // the kill goes out as soon as KILL_AFTER clusters have been sent v2
            Set<String> sentV2 = ConcurrentHashMap.newKeySet();
            CountDownLatch enoughSent = new CountDownLatch(1);
            observer.onReceived((cluster, state) -> {
                if (image(state).endsWith(":v2") && sentV2.add(cluster) && sentV2.size() >= KILL_AFTER) {
                    enoughSent.countDown();
                }
            });
            apply(cp, jurisdictions, "v2");
            assertThat(enoughSent.await(2, TimeUnit.MINUTES)).as("%d clusters sent v2", KILL_AFTER).isTrue();
            cp.killAndWait();
            int sentAtKill = sentV2.size();

            // what the restarted control plane will find: the change committed for every cluster, partly published
            Map<String, OutboxTable.Row> atKill = OutboxTable.read(cp.dataDir());
            long unpublishedAtKill = atKill.values().stream().filter(r -> !r.published()).count();
            System.out.printf("%s: killed with %d/%d clusters sent v2; outbox rows unpublished at the kill: %d%n",
                    workDir.getFileName(), sentAtKill, CLUSTERS, unpublishedAtKill);
            assertThat(atKill.keySet()).as("outbox rows").containsExactlyInAnyOrderElementsOf(ids);
            assertThat(unpublishedAtKill).as("the kill landed before the outbox was drained").isPositive();
            Map<String, Long> accepted = new TreeMap<>();
            atKill.forEach((id, row) -> accepted.put(id, row.generation()));

            cp = ControlPlaneProcess.start("control-plane-2", workDir, httpPort, properties);
            if (brokerDiesWithControlPlane) {
                observer.reconnect();
            }
            ControlPlaneProcess second = cp;
            long restarted = System.nanoTime();
            await("every cluster applies its newest generation").atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                        assertThat(desiredGenerations(second, ids)).as("desired generations after the restart")
                                .isEqualTo(accepted);
                        assertThat(behind(second, fleet, ids)).isEmpty();
                    });
            System.out.printf("%s: converged %.1f s after the restarted control plane was ready%n",
                    workDir.getFileName(), (System.nanoTime() - restarted) / 1e9);

            DesiredStateObserver seen = observer;
            assertThat(observer.generationsWithDifferentPayloads())
                    .as("clusters sent two different desired states under one generation").isEmpty();
            Map<String, List<Long>> backwards = new TreeMap<>();
            for (String id : ids) {
                List<Long> generations = seen.generations(id);
                for (int i = 1; i < generations.size(); i++) {
                    if (generations.get(i) < generations.get(i - 1)) {
                        backwards.put(id, generations);
                    }
                }
            }
            assertThat(backwards).as("clusters sent an older generation after a newer one").isEmpty();

            sim.close();
            cp.close();
            Map<String, OutboxTable.Row> after = OutboxTable.read(cp.dataDir());
            assertThat(after.values().stream().filter(r -> !r.published()).count()).as("unpublished outbox rows")
                    .isZero();
            Map<String, Long> generationsAfter = new TreeMap<>();
            after.forEach((id, row) -> generationsAfter.put(id, row.generation()));
            assertThat(generationsAfter).as("outbox generations").isEqualTo(accepted);

            // what each agent verified and stored is the one state the broker carried under that generation
            for (String id : ids) {
                DesiredState stored = DesiredStateStore.open(agentState.resolve(id)).desired().orElseThrow();
                assertThat(stored.getGeneration()).as("stored generation of %s", id).isEqualTo(accepted.get(id));
                assertThat(image(stored)).as("stored image of %s", id).endsWith(":v2");
                assertThat(observer.sentAs(id, stored.getGeneration())).as("sent to %s", id).containsExactly(stored);
            }
        } finally {
            if (observer != null) {
                observer.close();
            }
            if (sim != null) {
                sim.close();
            }
            cp.close();
        }
    }

    /** Clusters whose agent has not applied the desired generation the control plane holds for them, with both. */
    private static Map<String, String> behind(ControlPlaneProcess cp, FleetSimulator sim, List<String> ids) {
        Map<String, Long> desired = desiredGenerations(cp, ids);
        Map<String, Long> applied = sim.appliedGenerations();
        Map<String, String> behind = new TreeMap<>();
        for (String id : ids) {
            long d = desired.getOrDefault(id, 0L);
            if (d == 0 || applied.getOrDefault(id, 0L) != d) {
                behind.put(id, "desired " + d + ", applied " + applied.get(id));
            }
        }
        return behind;
    }

    private static Map<String, Long> desiredGenerations(ControlPlaneProcess cp, List<String> ids) {
        JsonNode clusters = cp.get("/api/v1/clusters").body();
        Map<String, Long> desired = new HashMap<>();
        clusters.forEach(c -> desired.put(c.get("id").asText(), c.get("desiredGeneration").asLong()));
        desired.keySet().retainAll(ids);
        return new TreeMap<>(desired);
    }

    private static String image(DesiredState state) {
        return state.getWorkloadsCount() == 0 ? "" : state.getWorkloads(0).getImage();
    }

    private static void apply(ControlPlaneProcess cp, Set<String> jurisdictions, String version) {
        String policy = """
                {"apiVersion": "flotilla.io/v1alpha1", "kind": "FleetPolicy", "metadata": {"name": "crash"},
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
