package io.flotilla.e2e;

import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The packaged edge agent as its own process, configured through environment variables. It is given what an
 * operator gives a new cluster: its id, the control plane's URL and a single-use bootstrap token; on its first start
 * it enrolls and keeps the identity it receives (broker URL, credentials, trusted keys) in its state directory.
 */
final class AgentProcess {

    private AgentProcess() {
    }

    /**
     * Enrolls the registered cluster {@code clusterId} through the control plane's API, starts its agent and
     * returns once the agent holds its identity.
     *
     * <p>Waiting for the identity keeps the scenarios deterministic: a desired state issued while the agent is still
     * exchanging its token may be issued before the replay floor the exchange sets, and a newly enrolled agent
     * refuses it (until a newer generation comes).
     */
    static ManagedProcess start(Path workDir, ControlPlaneProcess cp, String clusterId, Path kubeconfig) {
        ManagedProcess agent = start(workDir, clusterId, cp.url(), cp.enroll(clusterId, null, null), kubeconfig);
        try {
            awaitEnrolled(agent, stateDir(workDir, clusterId));
        } catch (RuntimeException e) {
            agent.close();
            throw e;
        }
        return agent;
    }

    /** Waits until {@code agent} has exchanged its bootstrap token and stored its identity in {@code stateDir}. */
    static void awaitEnrolled(ManagedProcess agent, Path stateDir) {
        Path identity = stateDir.resolve("identity.json");
        await(agent.name() + " enrolled").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!agent.isAlive()) {
                throw new IllegalStateException(agent.name() + " exited:\n" + agent.logTail());
            }
            return Files.isRegularFile(identity);
        });
    }

    /** An agent with only its cluster id, the control plane's URL and its bootstrap token. */
    static ManagedProcess start(Path workDir, String clusterId, String controlPlaneUrl, String bootstrapToken, Path kubeconfig) {
        Map<String, String> env = Map.of(
                "FLOTILLA_AGENT_CLUSTER_ID", clusterId,
                "FLOTILLA_AGENT_CONTROL_PLANE_URL", controlPlaneUrl,
                "FLOTILLA_AGENT_BOOTSTRAP_TOKEN", bootstrapToken,
                "FLOTILLA_AGENT_STATE_DIR", stateDir(workDir, clusterId).toString(),
                "FLOTILLA_AGENT_TELEMETRY_INTERVAL", "1s",
                "KUBECONFIG", kubeconfig.toAbsolutePath().toString());
        return ManagedProcess.start("agent-" + clusterId,
                ManagedProcess.javaJar(ManagedProcess.jar("flotilla.edge-agent.jar"),
                        List.of("-Dkubeconfig=" + kubeconfig.toAbsolutePath())),
                env, workDir);
    }

    /** Where the agent of {@code clusterId} keeps its identity and state. */
    static Path stateDir(Path workDir, String clusterId) {
        return workDir.resolve("agent-" + clusterId).toAbsolutePath();
    }
}
