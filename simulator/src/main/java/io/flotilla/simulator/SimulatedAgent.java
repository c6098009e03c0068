package io.flotilla.simulator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.flotilla.agent.EdgeAgent;
import io.flotilla.agent.LoadReporter;
import io.flotilla.agent.identity.AgentIdentity;
import io.flotilla.agent.link.Backoff;
import io.flotilla.agent.link.MqttControlPlaneLink;
import io.flotilla.agent.reconcile.EndpointResolver;
import io.flotilla.agent.state.DesiredStateStore;
import io.flotilla.proto.EnvelopeCodec;
import io.flotilla.proto.Topics;
import io.flotilla.proto.v1.TelemetryReport;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * One simulated cluster's agent: the real {@link EdgeAgent} (signature check, store, reconcile,
 * status) over its own real MQTT session, against its namespace on the shared simulated API.
 * Only the telemetry and the live load are made up.
 */
final class SimulatedAgent implements AutoCloseable {

    static final String VERSION = "sim";
    /** As a real agent's default: the largest MQTT packet accepted from the broker. */
    static final long MAX_PACKET_SIZE = 1024 * 1024;

    private final SimCluster cluster;
    private final DesiredStateStore store;
    private final MqttControlPlaneLink link;
    /** The live load reports' scheduled task, or null when the cluster sends none. */
    private final ScheduledFuture<?> loadReports;
    private final StageTimingLink timing;
    private final EdgeAgent agent;

    /**
     * @param identity    the agent's identity: its broker URL, credentials and client id, its signing key, the
     *                    control-plane keys it trusts and its desired-state floor
     * @param modelServer the cluster's stand-in model server, whose address it reports as every workload's
     *                    endpoint; or null
     * @param telemetrySent counts each telemetry report built and handed to the agent's outbound queue
     */
    SimulatedAgent(SimCluster cluster, SimOptions options, AgentIdentity identity, KubernetesClient kubernetes,
            ScheduledExecutorService pahoExecutor, Path stateDir, Clock clock, SimulatedModelServer modelServer,
            LongAdder telemetrySent) throws IOException {
        this.cluster = cluster;
        String id = Topics.requireValidClusterId(cluster.id());
        if (!id.equals(identity.clusterId())) {
            throw new IllegalArgumentException("identity of " + identity.clusterId() + " given to the agent of " + id);
        }
        EnvelopeCodec codec = identity.envelopeCodec(clock);
        this.store = DesiredStateStore.open(stateDir.resolve(id));
        this.link = new MqttControlPlaneLink(new MqttControlPlaneLink.Settings(
                identity.brokerUrl(),
                identity.clientId(),
                identity.username(),
                identity.password(),
                Topics.desired(id),
                Topics.presence(id),
                () -> EdgeAgent.presencePair(codec, id, VERSION, clock.instant()),
                Duration.ofHours(1),
                Duration.ofSeconds(30),
                new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), Math::random),
                identity.brokerCaPem(),
                MAX_PACKET_SIZE),
                pahoExecutor);
        this.timing = new StageTimingLink(link);
        EdgeAgent.Settings settings = EdgeAgent.Settings.defaults(id, cluster.namespace())
                .withDesiredStateFloor(identity.desiredStateFloor())
                .withAgentVersion(VERSION)
                .withWatchManagedObjects(options.informers());
        Supplier<TelemetryReport> telemetry = null;
        if (!options.telemetryInterval().isZero()) {
            settings = settings.withTelemetryInterval(options.telemetryInterval());
            SimulatedTelemetry simulated = new SimulatedTelemetry(cluster, store::desired, clock, options.seed());
            telemetry = () -> {
                TelemetryReport report = simulated.get();
                if (report != null) {
                    telemetrySent.increment();
                }
                return report;
            };
        }
        if (modelServer != null && !options.loadInterval().isZero()) {
            // on the shared scheduler, not a thread of the reporter's own: thousands of agents share one process
            var reporter = new LoadReporter(id, new SimulatedLoad(id, store::desired, clock, options.seed()), codec, link);
            long every = options.loadInterval().toMillis();
            loadReports = pahoExecutor.scheduleWithFixedDelay(reporter::sendOnce, every, every, TimeUnit.MILLISECONDS);
        } else {
            loadReports = null;
        }
        this.agent = new EdgeAgent(settings, timing, codec, store, kubernetes, telemetry, clock,
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

    /** Forgets when the last desired state arrived and was stored; see {@link #arrival()}. */
    void markArrival() {
        timing.mark();
    }

    /** {@link System#nanoTime()} when the first desired state since {@link #markArrival()} arrived and was stored; 0 if not. */
    long[] arrival() {
        return new long[] {timing.receivedAt(), timing.storedAt()};
    }

    /** The simulated kubelet changed something: report the workload conditions again. */
    void refreshStatus() {
        agent.requestStatusRefresh();
    }

    /** Disconnects cleanly, announcing OFFLINE presence. */
    @Override
    public void close() {
        if (loadReports != null) {
            loadReports.cancel(false);
        }
        agent.close();
    }
}
