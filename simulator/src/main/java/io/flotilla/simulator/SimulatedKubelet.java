package io.flotilla.simulator;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Plays the Deployment controller and the kubelets of every simulated cluster at once: a
 * Deployment the agents created or changed on the shared simulated API is marked rolled out
 * (observed generation, updated, ready and available replicas = spec.replicas, conditions
 * Available and Progressing/NewReplicaSetAvailable) once it has existed for the ready delay.
 */
final class SimulatedKubelet implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(SimulatedKubelet.class.getName());
    static final String MANAGED_BY = "app.kubernetes.io/managed-by";

    private final KubernetesClient kubernetes;
    private final Duration readyDelay;
    private final Consumer<String> onRolledOut;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    /** namespace/name@generation -> when first seen not rolled out */
    private final Map<String, Instant> pending = new ConcurrentHashMap<>();
    private final AtomicLong rolledOut = new AtomicLong();
    private volatile int ready;
    private volatile int total;

    /**
     * @param onRolledOut told the namespace of each Deployment it has just marked ready
     */
    SimulatedKubelet(KubernetesClient kubernetes, Duration readyDelay, Consumer<String> onRolledOut, Clock clock) {
        this.kubernetes = kubernetes;
        this.readyDelay = readyDelay;
        this.onRolledOut = onRolledOut;
        this.clock = clock;
        this.timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("sim-kubelet").daemon().factory());
    }

    void start(Duration every) {
        timer.scheduleWithFixedDelay(this::tick, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Deployments marked rolled out so far. */
    long rolledOut() {
        return rolledOut.get();
    }

    /** Managed Deployments rolled out at the last look, and all of them. */
    int ready() {
        return ready;
    }

    int total() {
        return total;
    }

    void tick() {
        try {
            List<Deployment> all = kubernetes.apps().deployments().inAnyNamespace()
                    .withLabel(MANAGED_BY, "flotilla-agent").list().getItems();
            Instant now = clock.instant();
            Set<String> seen = new HashSet<>();
            int readyNow = 0;
            for (Deployment d : all) {
                if (isRolledOut(d)) {
                    readyNow++;
                    continue;
                }
                String key = d.getMetadata().getNamespace() + "/" + d.getMetadata().getName() + "@" + generation(d);
                seen.add(key);
                Instant first = pending.computeIfAbsent(key, k -> now);
                if (Duration.between(first, now).compareTo(readyDelay) >= 0 && markRolledOut(d)) {
                    pending.remove(key);
                    readyNow++;
                    rolledOut.incrementAndGet();
                    onRolledOut.accept(d.getMetadata().getNamespace());
                }
            }
            pending.keySet().retainAll(seen);
            ready = readyNow;
            total = all.size();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "simulated kubelet pass failed: {0}", e.toString());
        }
    }

    static boolean isRolledOut(Deployment d) {
        var s = d.getStatus();
        int replicas = replicas(d);
        return s != null && s.getObservedGeneration() != null && s.getObservedGeneration() >= generation(d)
                && orZero(s.getReadyReplicas()) == replicas && orZero(s.getUpdatedReplicas()) == replicas
                && orZero(s.getAvailableReplicas()) == replicas;
    }

    private boolean markRolledOut(Deployment d) {
        int replicas = replicas(d);
        long generation = generation(d);
        String now = clock.instant().toString();
        List<DeploymentCondition> conditions = List.of(
                new DeploymentConditionBuilder().withType("Available").withStatus("True")
                        .withReason("MinimumReplicasAvailable").withMessage("Deployment has minimum availability.")
                        .withLastTransitionTime(now).withLastUpdateTime(now).build(),
                new DeploymentConditionBuilder().withType("Progressing").withStatus("True")
                        .withReason("NewReplicaSetAvailable")
                        .withMessage("ReplicaSet \"" + d.getMetadata().getName() + "\" has successfully progressed.")
                        .withLastTransitionTime(now).withLastUpdateTime(now).build());
        try {
            kubernetes.apps().deployments().inNamespace(d.getMetadata().getNamespace())
                    .withName(d.getMetadata().getName())
                    .editStatus(current -> new DeploymentBuilder(current).withNewStatus()
                            .withObservedGeneration(generation)
                            .withReplicas(replicas)
                            .withUpdatedReplicas(replicas)
                            .withReadyReplicas(replicas)
                            .withAvailableReplicas(replicas)
                            .withUnavailableReplicas(0)
                            .withConditions(conditions)
                            .endStatus().build());
            return true;
        } catch (KubernetesClientException e) {
            // changed or deleted under us: looked at again on the next pass
            LOG.log(Level.DEBUG, "cannot mark {0} rolled out: {1}", d.getMetadata().getName(), e.getMessage());
            return false;
        }
    }

    private static long generation(Deployment d) {
        Long g = d.getMetadata().getGeneration();
        return g == null ? 1 : g;
    }

    private static int replicas(Deployment d) {
        Integer r = d.getSpec() == null ? null : d.getSpec().getReplicas();
        return r == null ? 1 : Math.max(0, r);
    }

    private static int orZero(Integer i) {
        return i == null ? 0 : i;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
