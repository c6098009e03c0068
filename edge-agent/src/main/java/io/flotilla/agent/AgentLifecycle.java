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
import io.flotilla.agent.telemetry.NodeSampler;
import io.flotilla.agent.telemetry.TelemetryCollector;
import io.flotilla.proto.EnvelopeCodec;
import io.flotilla.proto.Topics;
import io.flotilla.proto.v1.TelemetryReport;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Builds the agent from configuration when Quarkus starts, and closes it cleanly when Quarkus stops. */
@ApplicationScoped
public class AgentLifecycle {

    /** The protocol's largest envelope and 1 KiB for the PUBLISH packet's header, topic and properties. */
    static final long MIN_PACKET_SIZE = EnvelopeCodec.DEFAULT_MAX_WIRE_BYTES + 1024L;

    private final AgentConfig config;
    private final KubernetesClient kubernetes;
    private final String version;
    private EdgeAgent agent;
    private ProbeEndpoint probeEndpoint;

    AgentLifecycle(AgentConfig config, KubernetesClient kubernetes,
            @ConfigProperty(name = "quarkus.application.version", defaultValue = "dev") String version) {
        this.config = config;
        this.kubernetes = kubernetes;
        this.version = version;
    }

    void onStart(@Observes StartupEvent event) {
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

    void onStop(@Observes ShutdownEvent event) {
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
                w -> t.scrapeModelServers() && "vllm".equalsIgnoreCase(w.getRuntime())
                        ? Optional.of(URI.create(WorkloadObjects.endpoint(settings.target(), w) + "/metrics"))
                        : Optional.empty(),
                http, prober, clock);
    }
}
