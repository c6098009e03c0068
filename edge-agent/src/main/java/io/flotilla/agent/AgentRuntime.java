package io.flotilla.agent;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.flotilla.agent.identity.AgentIdentity;
import io.flotilla.agent.identity.EnrollmentClient;
import io.flotilla.agent.identity.IdentityBootstrap;
import io.flotilla.agent.identity.PinnedTrust;
import io.flotilla.agent.link.Backoff;
import io.flotilla.agent.link.MqttControlPlaneLink;
import io.flotilla.agent.probe.LatencyProber;
import io.flotilla.agent.probe.ProbeEndpoint;
import io.flotilla.agent.reconcile.WorkloadObjects;
import io.flotilla.agent.state.DesiredStateStore;
import io.flotilla.agent.telemetry.GpuSampler;
import io.flotilla.agent.telemetry.LoadCollector;
import io.flotilla.agent.telemetry.ModelServerMetrics;
import io.flotilla.agent.telemetry.ModelServerScrape;
import io.flotilla.agent.telemetry.NodeSampler;
import io.flotilla.agent.telemetry.TelemetryCollector;
import io.flotilla.proto.EnvelopeCodec;
import io.flotilla.proto.Topics;
import io.flotilla.proto.v1.InferenceWorkload;
import io.flotilla.proto.v1.TelemetryReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * The running agent built from its configuration: the identity (enrolled on first start), the MQTT
 * link, telemetry and the probe endpoint around an {@link EdgeAgent}. Plain Java, shared by the
 * Quarkus build ({@link AgentLifecycle}) and the plain entry point ({@link AgentMain}).
 */
public final class AgentRuntime implements AutoCloseable {

    /** The protocol's largest envelope and 1 KiB for the PUBLISH packet's header, topic and properties. */
    static final long MIN_PACKET_SIZE = EnvelopeCodec.DEFAULT_MAX_WIRE_BYTES + 1024L;

    private final AgentConfig config;
    private final KubernetesClient kubernetes;
    private EdgeAgent agent;
    private ProbeEndpoint probeEndpoint;
    private LoadReporter loadReporter;

    /** Runtimes whose model server serves load gauges on /metrics; SGLang runs as custom. */
    private static final Set<String> SCRAPED_RUNTIMES = Set.of("vllm", "tgi", "custom");

    private AgentRuntime(AgentConfig config, KubernetesClient kubernetes) {
        this.config = config;
        this.kubernetes = kubernetes;
    }

    /**
     * Validates the configuration, loads or enrolls the identity and starts the agent.
     *
     * @throws IllegalArgumentException a configuration value is invalid (cluster id, packet size, GPU source)
     * @throws IllegalStateException the agent cannot enroll or its state directory holds another cluster
     */
    public static AgentRuntime start(AgentConfig config, KubernetesClient kubernetes, String version) {
        AgentRuntime runtime = new AgentRuntime(config, kubernetes);
        try {
            runtime.startAgent(version);
        } catch (RuntimeException e) {
            runtime.close();
            throw e;
        }
        return runtime;
    }

    private void startAgent(String version) {
        String clusterId = Topics.requireValidClusterId(config.clusterId());
        if (config.maxPacketSize() < MIN_PACKET_SIZE) {
            throw new IllegalArgumentException("flotilla.agent.max-packet-size is " + config.maxPacketSize()
                    + " bytes; desired state can be " + EnvelopeCodec.DEFAULT_MAX_WIRE_BYTES
                    + " bytes, so it must be at least " + MIN_PACKET_SIZE);
        }
        Clock clock = Clock.systemUTC();
        Path stateDir = Path.of(config.stateDir());
        Backoff reconnect = new Backoff(config.reconnectInitialDelay(), config.reconnectMaxDelay(), Math::random);
        AgentIdentity identity;
        DesiredStateStore store;
        try {
            identity = IdentityBootstrap.loadOrEnroll(stateDir, clusterId, config.controlPlaneUrl(),
                    config.bootstrapToken(), this::enrollmentClient, reconnect);
            store = DesiredStateStore.open(stateDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use the agent state directory " + config.stateDir(), e);
        }
        identity = config.brokerUrl().map(identity::withBrokerUrl).orElse(identity);
        EnvelopeCodec codec = identity.envelopeCodec(clock);
        MqttControlPlaneLink link = new MqttControlPlaneLink(new MqttControlPlaneLink.Settings(
                identity.brokerUrl(),
                identity.clientId(),
                identity.username(),
                identity.password(),
                Topics.desired(clusterId),
                Topics.presence(clusterId),
                () -> EdgeAgent.presencePair(codec, clusterId, version, clock.instant()),
                config.sessionExpiry(),
                config.keepAlive(),
                reconnect,
                identity.brokerCaPem(),
                config.maxPacketSize()));
        EdgeAgent.Settings settings = EdgeAgent.Settings.defaults(clusterId, config.namespace())
                .withDesiredStateFloor(identity.desiredStateFloor())
                .withPodSecurityLevel(config.podSecurityLevel())
                .withAgentVersion(version)
                .withResyncInterval(config.resyncInterval())
                .withPauseCheckInterval(config.pauseCheckInterval())
                .withOutboundCapacity(config.outboundBufferSize());
        Duration telemetryInterval = config.telemetry().interval();
        Supplier<TelemetryReport> telemetry = null;
        if (!telemetryInterval.isZero()) {
            settings = settings.withTelemetryInterval(telemetryInterval);
            telemetry = telemetry(clusterId, store, settings, clock, identity.brokerUrl());
        }
        probeEndpoint = config.telemetry().probeListen().map(ProbeEndpoint::listen).orElse(null);
        agent = new EdgeAgent(settings, link, codec, store, kubernetes, telemetry, clock);
        agent.start();
        if (!config.load().interval().isZero()) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
            loadReporter = new LoadReporter(clusterId,
                    new LoadCollector(clusterId, new ModelServerScrape(store::desired, modelServerMetrics(settings), http), clock),
                    codec, link);
            loadReporter.start(config.load().interval());
        }
    }

    /** The metrics URL of a workload's model server, for the runtimes whose load gauges are known ({@link ModelServerMetrics}). */
    private Function<InferenceWorkload, Optional<URI>> modelServerMetrics(EdgeAgent.Settings settings) {
        return w -> config.telemetry().scrapeModelServers() && SCRAPED_RUNTIMES.contains(w.getRuntime().toLowerCase(Locale.ROOT))
                ? Optional.of(URI.create(WorkloadObjects.endpoint(settings.target(), w) + "/metrics"))
                : Optional.empty();
    }

    private EnrollmentClient enrollmentClient(URI controlPlaneUrl) {
        Optional<SSLContext> trust;
        try {
            trust = config.controlPlaneCa().isPresent()
                    ? Optional.of(PinnedTrust.sslContext(Path.of(config.controlPlaneCa().get())))
                    : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the control-plane CA " + config.controlPlaneCa().get(), e);
        }
        return new EnrollmentClient(controlPlaneUrl, trust);
    }

    /** Stops the agent (presence OFFLINE, link closed) and the probe endpoint. */
    @Override
    public void close() {
        if (loadReporter != null) {
            loadReporter.close();
        }
        if (agent != null) {
            agent.close();
        }
        if (probeEndpoint != null) {
            probeEndpoint.close();
        }
    }

    private TelemetryCollector telemetry(String clusterId, DesiredStateStore store, EdgeAgent.Settings settings,
            Clock clock, String brokerUrl) {
        AgentConfig.Telemetry t = config.telemetry();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        GpuSampler gpus = switch (t.gpuSource()) {
            case NONE -> GpuSampler.none();
            case NVIDIA_SMI -> GpuSampler.nvidiaSmi(t.nvidiaSmiCommand());
            case DCGM -> GpuSampler.dcgm(http, URI.create(t.dcgmUrl().orElseThrow(() -> new IllegalArgumentException(
                    "flotilla.agent.telemetry.gpu-source=dcgm needs flotilla.agent.telemetry.dcgm-url"))));
        };
        Map<String, InetSocketAddress> targets = new TreeMap<>(LatencyProber.peers(t.peers().orElse(List.of())));
        if (t.probeControlPlane()) {
            targets.putAll(LatencyProber.controlPlane(brokerUrl));
        }
        LatencyProber prober = new LatencyProber(targets, 2000);
        return new TelemetryCollector(clusterId,
                new NodeSampler(Path.of(t.procRoot()), t.cgroupPath().map(Path::of)),
                kubernetes, gpus, store::desired,
                modelServerMetrics(settings), http, prober, clock);
    }
}
