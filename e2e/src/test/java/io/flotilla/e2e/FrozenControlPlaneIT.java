package io.flotilla.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * The control plane frozen (SIGSTOP) for longer than the heartbeat timeout and the offline grace while its fleet
 * stays healthy, then resumed: no cluster loses its workloads. On resume every cluster's last report is older than
 * the heartbeat timeout, so the presence monitor counts them all offline at once; the grace counts from that moment,
 * and their telemetry (every second; their status does not change and they never disconnected, so neither status
 * nor presence comes) must count them online again before it ends.
 */
class FrozenControlPlaneIT {

    private static final List<String> CLUSTERS = List.of("frz-a", "frz-b");
    /** How often the control plane writes a cluster's last telemetry time (10 s by default): the test's heartbeat. */
    private static final Duration HEARTBEAT_WRITE = Duration.ofSeconds(1);
    /** Above the heartbeat write interval plus the agents' 1 s telemetry, with room for a loaded machine. */
    private static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration GRACE = Duration.ofSeconds(10);
    private static final Duration FROZEN = GRACE.plusSeconds(5);
    private static final Duration CONVERGE = Duration.ofSeconds(60);

    @Test
    void aControlPlaneFrozenLongerThanTheGraceTakesNoWorkloadAway() throws Exception {
        Path workDir = ManagedProcess.freshWorkDir("frozen-control-plane");
        int mqttPort = ManagedProcess.freePort();
        try (MockKubernetes kube = new MockKubernetes(workDir);
                ControlPlaneProcess cp = ControlPlaneProcess.withEmbeddedBroker(workDir, mqttPort, List.of(
                        "-Dflotilla.telemetry.heartbeat-write-interval=" + HEARTBEAT_WRITE.toSeconds() + "s",
                        "-Dflotilla.fleet.heartbeat-timeout=" + HEARTBEAT_TIMEOUT.toSeconds() + "s",
                        "-Dflotilla.placement.offline-grace=" + GRACE.toSeconds() + "s"))) {
            for (String id : CLUSTERS) {
                assertThat(cp.post("/api/v1/clusters", """
                        {"id": "%s", "jurisdiction": "DE", "latitude": 50.0, "longitude": 8.0,
                         "capacity": {"cpu": "16", "memory": "64Gi"}}""".formatted(id)).status()).isEqualTo(201);
            }
            try (ManagedProcess a = AgentProcess.start(workDir, cp, CLUSTERS.get(0), kube.kubeconfig());
                    ManagedProcess b = AgentProcess.start(workDir, cp, CLUSTERS.get(1), kube.kubeconfig())) {
                // connected first, and one wave for both: the mock Kubernetes never makes a pod ready, so a
                // health-gated second wave would never be released
                await("both agents connected").atMost(CONVERGE).untilAsserted(() -> {
                    for (String id : CLUSTERS) {
                        assertThat(cp.get("/api/v1/clusters/" + id).body().get("health").asText()).isEqualTo("READY");
                    }
                });
                assertThat(cp.post("/api/v1/policies", """
                        {"apiVersion": "flotilla.io/v1alpha1", "kind": "FleetPolicy", "metadata": {"name": "frozen"},
                         "spec": {"workload": {"model": "m", "image": "registry.example/chat:1",
                                               "resources": {"gpu": 0, "cpu": "1", "memory": "1Gi"}},
                                  "placement": {"jurisdictions": ["DE"], "minClusters": 2, "maxClusters": 2},
                                  "rollout": {"waveSize": "100%", "maxUnavailable": "100%"}}}""")
                        .status()).isEqualTo(200);
                await("both clusters run the policy's workload").atMost(CONVERGE).untilAsserted(() -> {
                    for (String id : CLUSTERS) {
                        JsonNode c = cp.get("/api/v1/clusters/" + id).body();
                        assertThat(c.get("health").asText()).as("cluster %s; agent logs:\n%s\n%s", c, a.logTail(),
                                b.logTail()).isEqualTo("READY");
                        assertThat(c.get("appliedGeneration").asLong()).isEqualTo(c.get("desiredGeneration").asLong())
                                .isPositive();
                        assertThat(c.path("workloads").findValuesAsText("name")).contains("frozen");
                    }
                });
                Map<String, Long> generations = generations(cp);

                cp.signal("STOP");
                try {
                    // the fault itself: the control plane stays frozen past the grace while the agents keep reporting
                    LockSupport.parkNanos(FROZEN.toNanos());
                } finally {
                    cp.signal("CONT");
                }

                await("both clusters READY again").atMost(CONVERGE).untilAsserted(() -> {
                    for (String id : CLUSTERS) {
                        assertThat(cp.get("/api/v1/clusters/" + id).body().get("health").asText()).isEqualTo("READY");
                    }
                });
                // and for longer than a whole grace after the resume, nothing is re-placed or taken away
                await("placement unchanged through a grace after the resume").during(GRACE.plusSeconds(3))
                        .atMost(GRACE.plusSeconds(15)).until(() -> generations(cp).equals(generations)
                                && CLUSTERS.stream().allMatch(id -> cp.get("/api/v1/clusters/" + id).body()
                                        .path("workloads").findValuesAsText("name").contains("frozen")));
                assertThat(a.isAlive() && b.isAlive()).isTrue();
            }
        }
    }

    private static Map<String, Long> generations(ControlPlaneProcess cp) {
        Map<String, Long> g = new TreeMap<>();
        for (String id : CLUSTERS) {
            g.put(id, cp.get("/api/v1/clusters/" + id).body().get("desiredGeneration").asLong());
        }
        return g;
    }
}
