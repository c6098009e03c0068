package io.flotilla.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotilla.proto.v1.DesiredState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Faults of agents and of the control plane on one fleet of real processes: the packaged control plane with its
 * embedded broker, and four packaged agents, each on a Kubernetes API of its own (fabric8's mock server). Two
 * clusters are in DE and run the policy's workload; one is in FR, which the policy excludes; one is in PL, whose
 * Kubernetes API answers every write after a delay, so that its agent can be killed in the middle of an apply.
 *
 * <ul>
 * <li>An agent killed (SIGKILL) in the middle of applying a generation has not acknowledged it; started again from
 * its store, it applies it and acknowledges it.
 * <li>An agent cut off (SIGKILL: its connection drops and the broker sends its will) is counted offline at once,
 * keeps its workloads on its cluster and in placement through the grace, loses them in placement only after it, and
 * gets them back when it returns; the excluded jurisdiction never gets them.
 * <li>An agent whose disk is full (a file-size limit of 0 put on the running process: every write to its state
 * directory fails) does not acknowledge a generation it could not store, and the broker delivers it again; once there
 * is room it stores, applies and acknowledges it, without a restart.
 * <li>The control plane frozen (SIGSTOP) for longer than the heartbeat timeout and the grace while its fleet stays
 * healthy, then resumed: no cluster loses its workloads. On resume every cluster's last report is older than the
 * heartbeat timeout, so the presence monitor counts them all offline at once; the grace counts from that moment, and
 * their telemetry (every second; their status does not change and they never disconnected, so neither status nor
 * presence comes) must count them online again before it ends.
 * </ul>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FleetFaultsIT {

    private static final String POLICY = "grace";
    private static final List<String> DE = List.of("grace-de-a", "grace-de-b");
    private static final String FR = "grace-fr";
    private static final String PL = "grace-pl";
    /**
     * How long the PL cluster's Kubernetes API takes to answer each write: far longer than the test takes to see the
     * first write arrive and kill the agent (it polls every 50 ms), and the agent's apply after its restart waits it
     * once per object.
     */
    private static final Duration PL_WRITE_DELAY = Duration.ofSeconds(1);
    /** How often the control plane writes a cluster's last telemetry time (10 s by default): the test's heartbeat. */
    private static final Duration HEARTBEAT_WRITE = Duration.ofSeconds(1);
    /** Above the heartbeat write interval plus the agents' 1 s telemetry, with room for a loaded machine. */
    private static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(5);
    /**
     * Longer than a resumed control plane takes to count a healthy fleet online again from its telemetry (1.5 s on a
     * loaded machine), several times over; the frozen case waits it twice and the cut-off case once.
     */
    private static final Duration GRACE = Duration.ofSeconds(8);
    private static final Duration FROZEN = GRACE.plusSeconds(5);
    private static final Duration CONVERGE = Duration.ofSeconds(60);

    private Path workDir;
    private ControlPlaneProcess cp;
    private final Map<String, MockKubernetes> kubes = new HashMap<>();
    private final Map<String, ManagedProcess> agents = new HashMap<>();

    @BeforeAll
    void startFleet() throws Exception {
        workDir = ManagedProcess.freshWorkDir("fleet-faults");
        cp = ControlPlaneProcess.withEmbeddedBroker(workDir, ManagedProcess.freePort(), List.of(
                "-Dflotilla.telemetry.heartbeat-write-interval=" + HEARTBEAT_WRITE.toSeconds() + "s",
                "-Dflotilla.fleet.heartbeat-timeout=" + HEARTBEAT_TIMEOUT.toSeconds() + "s",
                "-Dflotilla.placement.offline-grace=" + GRACE.toSeconds() + "s",
                // no mass-offline protection: a frozen control plane counts the whole fleet offline on resume, and
                // the frozen case must show that telemetry, not the protection, keeps the workloads in place
                "-Dflotilla.fleet.mass-offline-threshold=1"));
        List<String> all = new ArrayList<>(DE);
        all.add(FR);
        all.add(PL);
        for (String id : all) {
            String jurisdiction = id.equals(FR) ? "FR" : id.equals(PL) ? "PL" : "DE";
            assertThat(cp.post("/api/v1/clusters", """
                    {"id": "%s", "jurisdiction": "%s", "latitude": 50.0, "longitude": 8.0,
                     "capacity": {"cpu": "16", "memory": "64Gi"}}""".formatted(id, jurisdiction))
                    .status()).isEqualTo(201);
            MockKubernetes kube = new MockKubernetes(workDir.resolve("kube-" + id), id.equals(PL) ? PL_WRITE_DELAY : Duration.ZERO);
            kubes.put(id, kube);
            agents.put(id, AgentProcess.start(workDir, cp, id, kube.kubeconfig()));
        }
        // connected first, and one wave for both: the mock Kubernetes never makes a pod ready, so a health-gated
        // second wave would never be released
        await("agents connected").atMost(CONVERGE).untilAsserted(() -> {
            for (String id : all) {
                assertThat(health(id)).isEqualTo("READY");
            }
        });
        assertThat(cp.post("/api/v1/policies", """
                {"apiVersion": "flotilla.io/v1alpha1", "kind": "FleetPolicy", "metadata": {"name": "%s"},
                 "spec": {"workload": {"model": "m", "image": "registry.example/chat:1",
                                       "resources": {"gpu": 0, "cpu": "1", "memory": "1Gi"}},
                          "placement": {"jurisdictions": ["DE"], "minClusters": 1, "maxClusters": 2},
                          "rollout": {"waveSize": "100%%", "maxUnavailable": "100%%"}}}""".formatted(POLICY))
                .status()).isEqualTo(200);
    }

    @AfterAll
    void stopFleet() {
        agents.values().forEach(ManagedProcess::close);
        if (cp != null) {
            cp.close();
        }
        kubes.values().forEach(MockKubernetes::close);
    }

    /** Each case starts from the whole fleet connected and both DE clusters running the workload they applied. */
    @BeforeEach
    void converged() {
        await("both DE clusters run the policy's workload").atMost(CONVERGE).untilAsserted(() -> {
            for (String id : DE) {
                JsonNode c = cp.get("/api/v1/clusters/" + id).body();
                assertThat(c.get("health").asText()).as("cluster %s; agent log:\n%s", c, agents.get(id).logTail())
                        .isEqualTo("READY");
                assertThat(c.get("appliedGeneration").asLong()).isEqualTo(c.get("desiredGeneration").asLong()).isPositive();
                assertThat(placed(id)).isTrue();
            }
            assertThat(health(FR)).isEqualTo("READY");
        });
    }

    @Test
    @Order(1)
    void anAgentCutOffKeepsItsWorkloadsThroughTheGraceLosesThemAfterAndGetsThemBack() throws Exception {
        String cut = DE.get(0);
        String other = DE.get(1);
        List<String> violations = new CopyOnWriteArrayList<>();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        // at no moment does the excluded jurisdiction serve the workload, nor the DE cluster that stays connected lose it
        sampler.scheduleWithFixedDelay(() -> {
            if (placed(FR)) {
                violations.add("the FR cluster was given the workload");
            }
            if (!placed(other)) {
                violations.add(other + " lost the workload");
            }
        }, 0, 250, TimeUnit.MILLISECONDS);
        try {
            agents.get(cut).kill();
            long cutAt = System.nanoTime();
            await("its will counts it offline").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> !health(cut).equals("READY"));
            // inside the grace: still placed there, and its cluster still runs what it applied
            assertThat(placed(cut)).as("placed on %s right after it went offline", cut).isTrue();
            assertThat(deployments(cut)).as("%s's Kubernetes objects", cut).isPositive();

            await("placement gives it up after the grace").atMost(GRACE.plus(CONVERGE)).pollInterval(Duration.ofMillis(250))
                    .until(() -> !placed(cut));
            Duration movedAfter = Duration.ofNanos(System.nanoTime() - cutAt);
            System.out.printf("offline grace: %s lost its workload in placement %.1f s after it was cut off (grace %d s)%n",
                    cut, movedAfter.toMillis() / 1e3, GRACE.toSeconds());
            assertThat(movedAfter).as("not before the grace").isGreaterThanOrEqualTo(GRACE);
            assertThat(deployments(cut)).as("the cut-off cluster keeps running what it had (autonomy)").isPositive();

            // back, from its store and identity: it gets the workload again
            agents.put(cut, AgentProcess.start(workDir, cut, cp.url(), "spent", kubes.get(cut).kubeconfig()));
            await("placed there again once back").atMost(CONVERGE).until(() -> placed(cut) && health(cut).equals("READY"));
        } finally {
            sampler.shutdownNow();
        }
        assertThat(violations).isEmpty();
    }

    @Test
    @Order(2)
    void anAgentKilledInTheMiddleOfAnApplyHasNotAcknowledgedItAndAppliesItWhenStartedAgain() throws Exception {
        MockKubernetes kube = kubes.get(PL);
        long appliedBefore = cluster(PL).get("appliedGeneration").asLong();
        int writesBefore = kube.writes();
        assertThat(cp.post("/api/v1/policies", """
                {"apiVersion": "flotilla.io/v1alpha1", "kind": "FleetPolicy", "metadata": {"name": "crash"},
                 "spec": {"workload": {"model": "m", "image": "registry.example/crash:1",
                                       "resources": {"gpu": 0, "cpu": "1", "memory": "1Gi"}},
                          "placement": {"jurisdictions": ["PL"]}}}""").status()).isEqualTo(200);
        await("the agent is applying").atMost(CONVERGE).pollInterval(Duration.ofMillis(50))
                .until(() -> kube.writes() > writesBefore);
        agents.get(PL).kill();
        long desired = cluster(PL).get("desiredGeneration").asLong();
        assertThat(desired).isGreaterThan(appliedBefore);
        // what it acknowledged: nothing past what it had applied before (each write takes a second: the apply was cut short)
        assertThat(cluster(PL).get("appliedGeneration").asLong()).as("applied generation after the kill").isEqualTo(appliedBefore);

        agents.put(PL, AgentProcess.start(workDir, PL, cp.url(), "spent", kube.kubeconfig()));
        await("applied and acknowledged once started again").atMost(CONVERGE).untilAsserted(() -> {
            JsonNode c = cluster(PL);
            assertThat(c.get("appliedGeneration").asLong()).as("%s; agent log:\n%s", c, agents.get(PL).logTail())
                    .isEqualTo(desired);
        });
        assertThat(deploymentNames(PL)).contains("crash");
    }

    @Test
    @Order(3)
    void anAgentWhoseDiskIsFullAcknowledgesNothingItCouldNotStoreAndConvergesOnceThereIsRoom() throws Exception {
        ManagedProcess agent = agents.get(FR);
        Path stored = AgentProcess.stateDir(workDir, FR).resolve("desired-state.pb");
        long appliedBefore = cluster(FR).get("appliedGeneration").asLong();
        long storedBefore = storedGeneration(stored);
        long desired;
        agent.limitFileSize(0); // the fault: from here every file write of the agent's fails, as on a full disk
        try {
            assertThat(cp.post("/api/v1/policies", """
                    {"apiVersion": "flotilla.io/v1alpha1", "kind": "FleetPolicy", "metadata": {"name": "full-disk"},
                     "spec": {"workload": {"model": "m", "image": "registry.example/disk:1",
                                           "resources": {"gpu": 0, "cpu": "1", "memory": "1Gi"}},
                              "placement": {"jurisdictions": ["FR"]}}}""").status()).isEqualTo(200);
            // delivered, refused for want of room, delivered again by the broker (never acknowledged), refused again
            await("the agent failed to store the new desired state twice").atMost(CONVERGE)
                    .until(() -> occurrences(agent.log(), "cannot store desired state") >= 2);
            desired = cluster(FR).get("desiredGeneration").asLong();
            assertThat(desired).isGreaterThan(appliedBefore);
            assertThat(cluster(FR).get("appliedGeneration").asLong()).as("acknowledged while the disk is full")
                    .isEqualTo(appliedBefore);
            assertThat(storedGeneration(stored)).as("generation in the agent's store").isEqualTo(storedBefore);
            assertThat(deploymentNames(FR)).doesNotContain("full-disk");
        } finally {
            agent.limitFileSize(-1);
        }
        await("stored, applied and acknowledged once there is room").atMost(CONVERGE).untilAsserted(() -> {
            JsonNode c = cluster(FR);
            assertThat(c.get("appliedGeneration").asLong()).as("%s; agent log:\n%s", c, agent.logTail()).isEqualTo(desired);
        });
        assertThat(storedGeneration(stored)).isEqualTo(desired);
        assertThat(deploymentNames(FR)).contains("full-disk");
        assertThat(agent.isAlive()).isTrue();
    }

    @Test
    @Order(4)
    void aControlPlaneFrozenLongerThanTheGraceTakesNoWorkloadAway() {
        Map<String, Long> generations = generations();
        cp.signal("STOP");
        try {
            // the fault itself: the control plane stays frozen past the grace while the agents keep reporting
            LockSupport.parkNanos(FROZEN.toNanos());
        } finally {
            cp.signal("CONT");
        }
        await("the DE clusters READY again").atMost(CONVERGE).untilAsserted(() -> {
            for (String id : DE) {
                assertThat(health(id)).isEqualTo("READY");
            }
        });
        // and for longer than a whole grace after the resume, nothing is re-placed or taken away
        await("placement unchanged through a grace after the resume").during(GRACE.plusSeconds(3))
                .atMost(GRACE.plusSeconds(15)).until(() -> generations().equals(generations)
                        && DE.stream().allMatch(this::placed));
        assertThat(agents.values().stream().allMatch(ManagedProcess::isAlive)).isTrue();
    }

    private JsonNode cluster(String id) {
        return cp.get("/api/v1/clusters/" + id).body();
    }

    private String health(String id) {
        return cluster(id).get("health").asText();
    }

    /**
     * Whether placement gives the policy's workload to {@code id}: the cluster's workload entry has a desired part
     * (the entry stays, with only the status its agent last reported, once placement has taken it away).
     */
    private boolean placed(String id) {
        for (JsonNode w : cp.get("/api/v1/clusters/" + id).body().path("workloads")) {
            if (POLICY.equals(w.path("name").asText()) && w.path("desired").isObject()) {
                return true;
            }
        }
        return false;
    }

    /** The Deployments the agent of {@code id} made on its cluster. */
    private int deployments(String id) {
        return deploymentNames(id).size();
    }

    private List<String> deploymentNames(String id) {
        return kubes.get(id).client().apps().deployments().inAnyNamespace().list().getItems().stream()
                .map(d -> d.getMetadata().getName()).toList();
    }

    /** The generation of the desired state the agent stored in {@code file}, 0 when it stored none. */
    private static long storedGeneration(Path file) throws IOException {
        return Files.exists(file) ? DesiredState.parseFrom(Files.readAllBytes(file)).getGeneration() : 0;
    }

    private static int occurrences(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + part.length())) {
            n++;
        }
        return n;
    }

    private Map<String, Long> generations() {
        Map<String, Long> g = new TreeMap<>();
        for (String id : DE) {
            g.put(id, cp.get("/api/v1/clusters/" + id).body().get("desiredGeneration").asLong());
        }
        return g;
    }
}
