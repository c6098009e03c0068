package io.flotilla.bench.sim;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.flotilla.agent.EdgeAgent;
import io.flotilla.agent.link.Backoff;
import io.flotilla.agent.reconcile.EndpointResolver;
import io.flotilla.agent.link.MqttControlPlaneLink;
import io.flotilla.agent.state.DesiredStateStore;
import io.flotilla.proto.EnvelopeCodec;
import io.flotilla.proto.Topics;
import io.flotilla.proto.VerificationKey;
import io.flotilla.proto.v1.Presence;
import io.flotilla.proto.v1.TelemetryReport;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

/**
 * One simulated cluster's agent: the real {@link EdgeAgent} (signature check, store, reconcile,
 * status) over its own real MQTT session, against its namespace on the shared simulated API.
 * Only the telemetry is made up.
 */
final class SimulatedAgent implements AutoCloseable {

    static final String VERSION = "sim";

    private final SimCluster cluster;
    private final DesiredStateStore store;
    private final MqttControlPlaneLink link;
    private final EdgeAgent agent;

    /** @param modelServer the cluster's stand-in model server, whose address it reports as every workload's endpoint; or null */
    SimulatedAgent(SimCluster cluster, SimOptions options, VerificationKey controlPlaneKey, KubernetesClient kubernetes,
            ScheduledExecutorService pahoExecutor, Path stateDir, Clock clock, SimulatedModelServer modelServer)
            throws IOException {
        this.cluster = cluster;
        String id = Topics.requireValidClusterId(cluster.id());
        EnvelopeCodec codec = EnvelopeCodec.builder("flotilla/clusters/" + id)
                .trust(controlPlaneKey)
                .requireSignature(true)
                .clock(clock)
                .build();
        this.store = DesiredStateStore.open(stateDir.resolve(id));
        this.link = new MqttControlPlaneLink(new MqttControlPlaneLink.Settings(
                options.broker(),
                "flotilla-agent-" + id,
                Optional.empty(),
                Optional.empty(),
                Topics.desired(id),
                Topics.presence(id),
                () -> EdgeAgent.presence(codec, id, Presence.State.STATE_ONLINE, VERSION, clock.instant()),
                () -> EdgeAgent.presence(codec, id, Presence.State.STATE_OFFLINE, VERSION, clock.instant()),
                Duration.ofHours(1),
                Duration.ofSeconds(30),
                new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), Math::random)),
                pahoExecutor);
        EdgeAgent.Settings settings = EdgeAgent.Settings.defaults(id, cluster.namespace())
                .withAgentVersion(VERSION)
                .withWatchManagedObjects(options.informers());
        Supplier<TelemetryReport> telemetry = null;
        if (!options.telemetryInterval().isZero()) {
            settings = settings.withTelemetryInterval(options.telemetryInterval());
            telemetry = new SimulatedTelemetry(cluster, store::desired, clock, options.seed());
        }
        this.agent = new EdgeAgent(settings, link, codec, store, kubernetes, telemetry, clock,
                Thread.ofVirtual().name("sim-agent-" + id).factory(),
                modelServer == null ? EndpointResolver.IN_CLUSTER : (target, workload) -> modelServer.endpoint());
    }

    void start() {
        agent.start();
    }

    SimCluster cluster() {
        return cluster;
    }

    boolean connected() {
        return link.isConnected();
    }

    long appliedGeneration() {
        return store.appliedGeneration();
    }

    long storedGeneration() {
        return store.storedGeneration();
    }

    /** The simulated kubelet changed something: report the workload conditions again. */
    void refreshStatus() {
        agent.requestStatusRefresh();
    }

    /** Disconnects cleanly, announcing OFFLINE presence. */
    @Override
    public void close() {
        agent.close();
    }
}
