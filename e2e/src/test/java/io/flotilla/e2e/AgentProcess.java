package io.flotilla.e2e;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The packaged edge agent as its own process, configured through environment variables. */
final class AgentProcess {

    private AgentProcess() {
    }

    static ManagedProcess start(Path workDir, String clusterId, int mqttPort, String controlPlaneKey, Path kubeconfig) {
        Map<String, String> env = Map.of(
                "FLOTILLA_AGENT_CLUSTER_ID", clusterId,
                "FLOTILLA_AGENT_BROKER_URL", "tcp://127.0.0.1:" + mqttPort,
                "FLOTILLA_AGENT_CONTROL_PLANE_KEY", controlPlaneKey,
                "FLOTILLA_AGENT_STATE_DIR", workDir.resolve("agent-" + clusterId).toAbsolutePath().toString(),
                "FLOTILLA_AGENT_TELEMETRY_INTERVAL", "1s",
                "KUBECONFIG", kubeconfig.toAbsolutePath().toString());
        return ManagedProcess.start("agent-" + clusterId,
                ManagedProcess.javaJar(ManagedProcess.jar("flotilla.edge-agent.jar"),
                        List.of("-Dkubeconfig=" + kubeconfig.toAbsolutePath())),
                env, workDir);
    }
}
