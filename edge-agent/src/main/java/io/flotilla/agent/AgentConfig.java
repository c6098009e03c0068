package io.flotilla.agent;

import io.flotilla.agent.reconcile.PodSecurityLevel;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The agent's configuration; every key can be set as an environment variable, e.g. FLOTILLA_AGENT_CLUSTER_ID. */
@ConfigMapping(prefix = "flotilla.agent")
public interface AgentConfig {

    /** The cluster this agent speaks for (a DNS-1123 label). */
    String clusterId();

    /**
     * The control plane's base URL, e.g. https://cp.example.com: where an agent that is not yet enrolled
     * exchanges its bootstrap token. Not needed once the state directory holds an identity.
     */
    Optional<String> controlPlaneUrl();

    /** The single-use token the control plane issued for this cluster; ignored once the agent is enrolled. */
    Optional<String> bootstrapToken();

    /** A PEM file with the CA(s) trusted for an https control-plane URL; unset for the JDK's trust store. */
    Optional<String> controlPlaneCa();

    /**
     * Overrides the broker URL that enrollment answered, for a broker this cluster reaches at another address
     * (e.g. through a tunnel); its certificate must still match the pinned CA and the host name.
     */
    Optional<String> brokerUrl();

    /**
     * The largest MQTT packet, in bytes, the agent accepts; the broker drops larger messages for it instead
     * of sending them. At least the protocol's largest envelope (256 KiB) plus room for the topic.
     */
    @WithDefault("1048576")
    long maxPacketSize();

    /**
     * Where the agent's identity (its private key and broker password: identity.json, 0600), the last
     * verified desired state, the applied generation and the PAUSE switch live. Must persist: an agent that
     * loses it has to be enrolled again.
     */
    @WithDefault("./agent-state")
    String stateDir();

    /** The namespace the agent's workloads live in; created when missing. */
    @WithDefault("flotilla-workloads")
    String namespace();

    /**
     * The Pod Security Standard enforced on that namespace and met by the workloads' pods: baseline, or
     * restricted for model-server images that run as a non-root user.
     */
    @WithDefault("baseline")
    PodSecurityLevel podSecurityLevel();

    /** Full reconcile interval: the backstop behind the informers. */
    @WithDefault("5m")
    Duration resyncInterval();

    /** How often the PAUSE file is looked for. */
    @WithDefault("2s")
    Duration pauseCheckInterval();

    /** Messages kept for the control plane while the broker is unreachable; the oldest are dropped beyond it. */
    @WithDefault("1000")
    int outboundBufferSize();

    /** How long the broker keeps the agent's session (and its QoS 1 messages) while it is away. */
    @WithDefault("7d")
    Duration sessionExpiry();

    @WithDefault("30s")
    Duration keepAlive();

    @WithDefault("1s")
    Duration reconnectInitialDelay();

    @WithDefault("2m")
    Duration reconnectMaxDelay();

    Telemetry telemetry();

    Load load();

    /** The model servers' live load for the router, apart from telemetry. */
    interface Load {
        /** How often; set to 0 to send none. */
        @WithDefault("2s")
        Duration interval();
    }

    interface Telemetry {
        /** Set to 0 to send no telemetry. */
        @WithDefault("30s")
        Duration interval();

        @WithDefault("/proc")
        String procRoot();

        /**
         * A cgroup v2 directory (e.g. /sys/fs/cgroup/kubepods.slice) whose usage is reported as
         * CPU and memory used instead of the node-wide figures from /proc.
         */
        Optional<String> cgroupPath();

        /** Where GPU figures come from. */
        @WithDefault("none")
        GpuSource gpuSource();

        @WithDefault("nvidia-smi")
        String nvidiaSmiCommand();

        /** A DCGM exporter's metrics URL, e.g. http://dcgm-exporter.gpu-operator:9400/metrics. */
        Optional<String> dcgmUrl();

        /** Scrape vLLM's /metrics on each vLLM workload's service for queue depth and KV-cache use. */
        @WithDefault("true")
        boolean scrapeModelServers();

        /** Measure TCP round-trip time to the broker and report it as the latency to the control plane. */
        @WithDefault("true")
        boolean probeControlPlane();

        /**
         * Peer clusters whose probe endpoints to measure, as {@code clusterId=host:port} entries,
         * e.g. {@code edge-2=10.0.4.7:9477,edge-3=edge-3.example.net:9477}.
         */
        Optional<List<String>> peers();

        /**
         * Where this agent serves its own probe endpoint for peers, as {@code host:port}, e.g.
         * {@code 0.0.0.0:9477}; unset means no endpoint.
         */
        Optional<String> probeListen();
    }

    enum GpuSource { NONE, NVIDIA_SMI, DCGM }
}
