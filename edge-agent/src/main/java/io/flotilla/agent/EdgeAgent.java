package io.flotilla.agent;

import com.google.protobuf.Timestamp;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.flotilla.agent.link.Backoff;
import io.flotilla.agent.link.ControlPlaneLink;
import io.flotilla.agent.link.OutboundMessage;
import io.flotilla.agent.link.OutboundQueue;
import io.flotilla.agent.link.PresencePair;
import io.flotilla.agent.reconcile.ClusterReconciler;
import io.flotilla.agent.reconcile.EndpointResolver;
import io.flotilla.agent.reconcile.ManagedObjectWatch;
import io.flotilla.agent.reconcile.PodSecurityLevel;
import io.flotilla.agent.reconcile.ReconcileResult;
import io.flotilla.agent.reconcile.ReconcileTarget;
import io.flotilla.agent.state.DesiredStateIntake;
import io.flotilla.agent.state.DesiredStateStore;
import io.flotilla.agent.state.MaintenancePause;
import io.flotilla.proto.EnvelopeCodec;
import io.flotilla.proto.Topics;
import io.flotilla.proto.v1.ClusterStatus;
import io.flotilla.proto.v1.DesiredState;
import io.flotilla.proto.v1.Presence;
import io.flotilla.proto.v1.TelemetryReport;
import io.flotilla.proto.v1.WorkloadStatus;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The agent: wires the link, the store, the reconciler and the reporters, and owns the single
 * worker thread on which every reconcile and status decision runs, so they never race each other.
 *
 * <p>Work reaches the worker as coalescing requests: a burst of informer events, a desired state
 * and a resync tick that arrive together cause one reconcile pass over the whole desired state,
 * never one per event. Failures are retried with exponential backoff and jitter; nothing sleeps.
 *
 * <p>Plain Java: {@link AgentRuntime} builds it from configuration, for the Quarkus build
 * ({@link AgentLifecycle}) and the plain entry point ({@link AgentMain}) alike.
 */
public final class EdgeAgent implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(EdgeAgent.class.getName());

    /** Tunables; {@link #defaults(String, String)} gives production values. */
    public record Settings(
            ReconcileTarget target,
            String agentVersion,
            Duration resyncInterval,
            Duration pauseCheckInterval,
            Duration telemetryInterval,
            int outboundCapacity,
            Backoff retryBackoff,
            boolean watchManagedObjects,
            Instant desiredStateFloor) {

        public static Settings defaults(String clusterId, String namespace) {
            return new Settings(new ReconcileTarget(clusterId, namespace), "dev", Duration.ofMinutes(5),
                    Duration.ofSeconds(2), Duration.ofSeconds(30), 1000,
                    new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5), Math::random), true, Instant.EPOCH);
        }

        /** While the store is empty, desired state issued before {@code floor} is refused (the identity's floor). */
        public Settings withDesiredStateFloor(Instant floor) {
            return new Settings(target, agentVersion, resyncInterval, pauseCheckInterval, telemetryInterval,
                    outboundCapacity, retryBackoff, watchManagedObjects, floor);
        }

        public Settings withResyncInterval(Duration d) {
            return new Settings(target, agentVersion, d, pauseCheckInterval, telemetryInterval, outboundCapacity,
                    retryBackoff, watchManagedObjects, desiredStateFloor);
        }

        public Settings withPauseCheckInterval(Duration d) {
            return new Settings(target, agentVersion, resyncInterval, d, telemetryInterval, outboundCapacity,
                    retryBackoff, watchManagedObjects, desiredStateFloor);
        }

        public Settings withTelemetryInterval(Duration d) {
            return new Settings(target, agentVersion, resyncInterval, pauseCheckInterval, d, outboundCapacity,
                    retryBackoff, watchManagedObjects, desiredStateFloor);
        }

        public Settings withOutboundCapacity(int capacity) {
            return new Settings(target, agentVersion, resyncInterval, pauseCheckInterval, telemetryInterval, capacity,
                    retryBackoff, watchManagedObjects, desiredStateFloor);
        }

        public Settings withAgentVersion(String version) {
            return new Settings(target, version, resyncInterval, pauseCheckInterval, telemetryInterval,
                    outboundCapacity, retryBackoff, watchManagedObjects, desiredStateFloor);
        }

        public Settings withPodSecurityLevel(PodSecurityLevel level) {
            return new Settings(new ReconcileTarget(target.clusterId(), target.namespace(), level), agentVersion,
                    resyncInterval, pauseCheckInterval, telemetryInterval, outboundCapacity, retryBackoff, watchManagedObjects, desiredStateFloor);
        }

        public Settings withWatchManagedObjects(boolean watch) {
            return new Settings(target, agentVersion, resyncInterval, pauseCheckInterval, telemetryInterval,
                    outboundCapacity, retryBackoff, watch, desiredStateFloor);
        }
    }

    private final Settings settings;
    private final String clusterId;
    private final ControlPlaneLink link;
    private final EnvelopeCodec codec;
    private final DesiredStateStore store;
    private final DesiredStateIntake intake;
    private final ClusterReconciler reconciler;
    private final ManagedObjectWatch watch;
    private final MaintenancePause pause;
    private final OutboundQueue outbound;
    private final StatusReporter status;
    private final Supplier<TelemetryReport> telemetry;
    private final ScheduledExecutorService worker;
    private final ScheduledExecutorService telemetryWorker;
    private final AtomicBoolean reconcileRequested = new AtomicBoolean();
    private final AtomicBoolean statusRequested = new AtomicBoolean();

    // confined to the worker thread
    private boolean paused;
    private int failedAttempts;
    private boolean retryScheduled;
    private DesiredState running;
    private List<WorkloadStatus> workloads = List.of();
    private String lastError = "";

    /**
     * @param codec     decodes desired state (requiring the control plane's signature) and encodes
     *                  what the agent sends (signed with the agent's key: {@code AgentIdentity.envelopeCodec})
     * @param telemetry builds one telemetry report, or null for none
     */
    public EdgeAgent(Settings settings, ControlPlaneLink link, EnvelopeCodec codec, DesiredStateStore store,
            KubernetesClient kubernetes, Supplier<TelemetryReport> telemetry, Clock clock) {
        this(settings, link, codec, store, kubernetes, telemetry, clock, null);
    }

    /**
     * As above, with the threads of the worker and the telemetry timer made by {@code threads}
     * (e.g. virtual threads, when thousands of agents share one JVM); null for named platform threads.
     */
    public EdgeAgent(Settings settings, ControlPlaneLink link, EnvelopeCodec codec, DesiredStateStore store,
            KubernetesClient kubernetes, Supplier<TelemetryReport> telemetry, Clock clock, ThreadFactory threads) {
        this(settings, link, codec, store, kubernetes, telemetry, clock, threads, EndpointResolver.IN_CLUSTER);
    }

    /** As above, reporting each workload's endpoint as {@code endpoints} says (a simulator's stand-in servers). */
    public EdgeAgent(Settings settings, ControlPlaneLink link, EnvelopeCodec codec, DesiredStateStore store,
            KubernetesClient kubernetes, Supplier<TelemetryReport> telemetry, Clock clock, ThreadFactory threads,
            EndpointResolver endpoints) {
        this.settings = settings;
        this.clusterId = settings.target().clusterId();
        this.link = link;
        this.codec = codec;
        this.store = store;
        this.intake = new DesiredStateIntake(clusterId, codec, store, clock, settings.desiredStateFloor());
        this.reconciler = new ClusterReconciler(kubernetes, settings.target(), endpoints);
        this.watch = settings.watchManagedObjects()
                ? new ManagedObjectWatch(kubernetes, settings.target().namespace(), this::requestReconcile,
                        this::requestStatusRefresh)
                : null;
        this.pause = new MaintenancePause(store.directory());
        this.outbound = new OutboundQueue(link, settings.outboundCapacity());
        this.status = new StatusReporter(clusterId, codec, outbound, clock);
        this.telemetry = telemetry;
        ScheduledThreadPoolExecutor workerPool = new ScheduledThreadPoolExecutor(1, threads != null ? threads
                : Thread.ofPlatform().name("flotilla-agent-" + clusterId).daemon().factory());
        // on close, pending retries are dropped rather than waited for
        workerPool.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.worker = workerPool;
        this.telemetryWorker = telemetry == null ? null : Executors.newSingleThreadScheduledExecutor(threads != null
                ? threads : Thread.ofPlatform().name("flotilla-telemetry-" + clusterId).daemon().factory());
    }

    /** Starts everything in the background; returns at once, whether or not the broker or API server answer. */
    public void start() {
        worker.execute(this::startOnWorker);
        long resync = settings.resyncInterval().toMillis();
        worker.scheduleWithFixedDelay(this::requestReconcile, resync, resync, TimeUnit.MILLISECONDS);
        long pauseCheck = settings.pauseCheckInterval().toMillis();
        worker.scheduleWithFixedDelay(this::checkPause, pauseCheck, pauseCheck, TimeUnit.MILLISECONDS);
        if (watch != null) {
            watch.start();
        }
        if (telemetryWorker != null) {
            long every = settings.telemetryInterval().toMillis();
            telemetryWorker.scheduleWithFixedDelay(this::sendTelemetry, every, every, TimeUnit.MILLISECONDS);
        }
        link.start(new LinkListener());
    }

    /** Asks for a full reconcile of the stored desired state; requests made before it runs coalesce into one. */
    public void requestReconcile() {
        if (reconcileRequested.compareAndSet(false, true)) {
            submit(this::reconcileOnWorker);
        }
    }

    /** Asks for the workload conditions to be re-read and reported, without applying anything. */
    public void requestStatusRefresh() {
        if (statusRequested.compareAndSet(false, true)) {
            submit(this::refreshStatusOnWorker);
        }
    }

    public DesiredStateIntake intake() {
        return intake;
    }

    public OutboundQueue outbound() {
        return outbound;
    }

    public StatusReporter statusReporter() {
        return status;
    }

    @Override
    public void close() {
        if (watch != null) {
            watch.close();
        }
        if (telemetryWorker != null) {
            telemetryWorker.shutdownNow();
        }
        worker.shutdown();
        try {
            if (!worker.awaitTermination(10, TimeUnit.SECONDS)) {
                worker.shutdownNow();
            }
        } catch (InterruptedException e) {
            worker.shutdownNow();
            Thread.currentThread().interrupt();
        }
        link.close();
    }

    /**
     * The presence pair of one connect, both stamped {@code now} (envelope time and {@code since}); encoded here
     * because the link knows no protobuf.
     */
    public static PresencePair presencePair(EnvelopeCodec codec, String clusterId, String version, Instant now) {
        return new PresencePair(presence(codec, clusterId, Presence.State.STATE_ONLINE, version, now),
                presence(codec, clusterId, Presence.State.STATE_OFFLINE, version, now));
    }

    private static byte[] presence(EnvelopeCodec codec, String clusterId, Presence.State state, String version,
            Instant time) {
        return codec.encode(clusterId, Presence.newBuilder()
                .setClusterId(clusterId)
                .setState(state)
                .setAgentVersion(version)
                .setSince(timestamp(time))
                .build(), time);
    }

    private void startOnWorker() {
        paused = pause.isPaused();
        Optional<DesiredState> stored = store.desired();
        if (stored.isPresent() && stored.get().getGeneration() == store.appliedGeneration()) {
            running = stored.get();
        }
        LOG.log(Level.INFO, "agent for {0} starting: stored generation {1}, applied generation {2}{3}", clusterId,
                store.storedGeneration(), store.appliedGeneration(), paused ? ", paused (" + pause.file() + ")" : "");
        if (stored.isPresent()) {
            // reconcile from disk at once: the broker may be far away or down
            requestReconcile();
        }
    }

    private void reconcileOnWorker() {
        reconcileRequested.set(false);
        Optional<DesiredState> desired = store.desired();
        if (desired.isEmpty()) {
            // never told anything: an empty cluster is not "desired empty", so touch nothing
            return;
        }
        if (paused) {
            refreshWhilePaused();
            return;
        }
        ReconcileResult result = reconciler.reconcile(desired.get());
        workloads = result.workloads();
        lastError = result.summary();
        if (result.applied()) {
            store.markApplied(result.generation());
            running = desired.get();
            failedAttempts = 0;
        } else {
            scheduleRetry();
        }
        publishStatus();
    }

    private void refreshStatusOnWorker() {
        statusRequested.set(false);
        if (reconcileRequested.get()) {
            return; // the pending reconcile reports the status
        }
        if (paused) {
            refreshWhilePaused();
            return;
        }
        store.desired().ifPresent(desired -> {
            workloads = reconciler.observe(desired);
            publishStatus();
        });
    }

    /** While paused nothing is applied, but the conditions of what runs are still read and reported. */
    private void refreshWhilePaused() {
        if (running != null) {
            workloads = reconciler.observe(running);
        }
        publishStatus();
    }

    private void checkPause() {
        boolean now = pause.isPaused();
        if (now == paused) {
            return;
        }
        paused = now;
        if (paused) {
            LOG.log(Level.WARNING, "maintenance pause: {0} exists; holding new desired state, changing nothing",
                    pause.file());
            publishStatus();
        } else {
            LOG.log(Level.INFO, "maintenance pause lifted; reconciling generation {0}", store.storedGeneration());
            requestReconcile();
        }
    }

    private void scheduleRetry() {
        if (retryScheduled) {
            return;
        }
        retryScheduled = true;
        Duration delay = settings.retryBackoff().delay(failedAttempts++);
        LOG.log(Level.WARNING, "generation {0} not fully applied ({1}); retrying in {2} ms", store.storedGeneration(),
                lastError, delay.toMillis());
        worker.schedule(() -> {
            retryScheduled = false;
            requestReconcile();
        }, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void publishStatus() {
        status.report(ClusterStatus.newBuilder()
                .setClusterId(clusterId)
                .setAppliedGeneration(store.appliedGeneration())
                .addAllWorkloads(workloads)
                .setPaused(paused)
                .setAgentVersion(settings.agentVersion())
                .setError(lastError)
                .build());
    }

    private void onConnectedOnWorker() {
        boolean statusWaiting = outbound.hasBuffered(status.topic());
        int flushed = outbound.flush();
        if (flushed > 0 || outbound.dropped() > 0) {
            LOG.log(Level.INFO, "connected: sent {0} buffered messages ({1} dropped while offline since start)",
                    flushed, outbound.dropped());
        }
        if (!statusWaiting) {
            status.resendLast();
        }
    }

    private void sendTelemetry() {
        try {
            TelemetryReport report = telemetry.get();
            if (report != null) {
                outbound.send(new OutboundMessage(Topics.telemetry(clusterId), codec.encode(clusterId, report), 1,
                        false));
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "telemetry sample for {0} failed: {1}", clusterId, e.toString());
        }
    }

    private void submit(Runnable task) {
        try {
            worker.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.log(Level.ERROR, "agent task failed for " + clusterId, e);
                    scheduleRetry();
                }
            });
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    private static Timestamp timestamp(Instant t) {
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    }

    private final class LinkListener implements ControlPlaneLink.Listener {
        @Override
        public void onDesiredState(byte[] payload) {
            // verified and persisted here, before the transport acknowledges the message
            try {
                if (intake.accept(payload) == DesiredStateIntake.Outcome.ACCEPTED) {
                    requestReconcile();
                }
            } catch (RuntimeException e) {
                // not swallowed: the transport must not acknowledge what was not stored, or it is gone until the
                // control plane publishes again (a simulated fleet out of file descriptors lost generations so)
                LOG.log(Level.ERROR, "cannot store desired state for " + clusterId + "; it stays unacknowledged", e);
                throw e;
            }
        }

        @Override
        public void onConnected() {
            submit(EdgeAgent.this::onConnectedOnWorker);
        }

        @Override
        public void onDisconnected(String cause) {
            LOG.log(Level.INFO, "link to the control plane lost ({0}); buffering up to {1} messages", cause,
                    outbound.capacity());
        }
    }

}
