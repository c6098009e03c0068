package io.flotilla.controlplane.dispatch;

import io.flotilla.controlplane.fleet.Cluster;
import io.flotilla.controlplane.fleet.ClusterRepository;
import io.flotilla.controlplane.fleet.ClusterWorkload;
import io.flotilla.controlplane.fleet.ClusterWorkloadRepository;
import io.flotilla.controlplane.leader.Leadership;
import io.flotilla.controlplane.protocol.ProtocolKeys;
import io.flotilla.controlplane.support.FleetException;
import io.flotilla.proto.VerificationKey;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Rotating the control plane's signing key without a moment in which an agent refuses its desired state:
 * <ol>
 *   <li><b>distributing</b>: a new key is made and trusted beside the active one; every cluster's desired state is
 *       issued again (a new generation, still signed with the active key) carrying both keys, which agents then
 *       trust;</li>
 *   <li><b>switching</b>: once every cluster whose agent has reported has applied such a state, the new key becomes
 *       the active one, the former is retired, and every desired state is issued again signed with the new key and
 *       carrying it alone, so agents drop the former key.</li>
 * </ol>
 * A cluster whose agent never reported is not waited for (it learns the keys when it enrolls). Progress is checked
 * by the leader every few seconds; it survives restarts (the incoming key and its start time are files).
 */
@ApplicationScoped
public class KeyRotation {

    private static final Logger LOG = Logger.getLogger(KeyRotation.class);
    private static final int BATCH = 500;

    private final ProtocolKeys keys;
    private final ClusterRepository clusters;
    private final ClusterWorkloadRepository workloads;
    private final OutboxRepository outbox;
    private final DesiredStateDispatcher dispatcher;
    private final Leadership leadership;
    private final Clock clock;

    KeyRotation(ProtocolKeys keys, ClusterRepository clusters, ClusterWorkloadRepository workloads, OutboxRepository outbox,
            DesiredStateDispatcher dispatcher, Leadership leadership, Clock clock) {
        this.keys = keys;
        this.clusters = clusters;
        this.workloads = workloads;
        this.outbox = outbox;
        this.dispatcher = dispatcher;
        this.leadership = leadership;
        this.clock = clock;
    }

    /** A key as the API shows it. */
    public record Key(String keyId, String publicKey, String state) {
    }

    /** A rotation under way: how many clusters must still apply a desired state that carries the new key. */
    public record Progress(Instant startedAt, String phase, String newKeyId, int clusters, int acknowledged,
            List<String> pending) {
    }

    public record Status(List<Key> keys, Optional<Progress> rotation) {
    }

    public Status status() {
        List<Key> list = new ArrayList<>();
        list.add(new Key(keys.verificationKey().keyId(), keys.verificationKey().toBase64(), "active"));
        keys.incomingKey().ifPresent(k -> list.add(new Key(k.keyId(), k.toBase64(), "incoming")));
        return new Status(List.copyOf(list), keys.incomingKey().map(k -> progress(k, keys.rotationStarted().orElseThrow())));
    }

    /** Starts a rotation; 409 when one is under way. */
    public Status rotate() {
        if (!keys.beginRotation(clock.instant())) {
            throw new FleetException(FleetException.Kind.CONFLICT, "a rotation to key "
                    + keys.incomingKey().map(VerificationKey::keyId).orElse("?") + " is in progress");
        }
        reissueAll();
        return status();
    }

    @Scheduled(every = "${flotilla.dispatch.key-rotation-check-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void check() {
        Optional<VerificationKey> incoming = keys.incomingKey();
        if (incoming.isEmpty() || !leadership.isLeader()) {
            return;
        }
        Progress p = progress(incoming.get(), keys.rotationStarted().orElseThrow());
        if (p.acknowledged() < p.clusters()) {
            return;
        }
        VerificationKey former = keys.completeRotation();
        reissueAll();
        LOG.infof("Every cluster trusts key %s: desired state is now signed with it, key %s retired",
                incoming.get().keyId(), former.keyId());
    }

    private Progress progress(VerificationKey incoming, Instant started) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Map<String, OutboxEntry> latest = outbox.listAll().stream()
                    .collect(Collectors.toMap(e -> e.clusterId, e -> e));
            List<String> pending = new ArrayList<>();
            int counted = 0;
            for (Cluster c : clusters.listOrdered()) {
                if (c.lastReportAt() == null) {
                    continue; // never heard from: nothing to wait for
                }
                counted++;
                OutboxEntry e = latest.get(c.id);
                boolean carriesNewKey = e != null && !e.createdAt.isBefore(started);
                if (!carriesNewKey || c.appliedGeneration < e.generation) {
                    pending.add(c.id);
                }
            }
            return new Progress(started, "distributing", incoming.keyId(), counted, counted - pending.size(),
                    List.copyOf(pending));
        });
    }

    /** Issues every cluster's desired state again, in batches, so that it carries the keys trusted now. */
    private void reissueAll() {
        List<String> ids = QuarkusTransaction.requiringNew().call(() -> clusters.listOrdered().stream()
                .map(c -> c.id).sorted().toList());
        for (int from = 0; from < ids.size(); from += BATCH) {
            List<String> batch = ids.subList(from, Math.min(ids.size(), from + BATCH));
            QuarkusTransaction.requiringNew().run(() -> {
                Map<String, List<ClusterWorkload>> byCluster = workloads.forClusters(batch).stream()
                        .collect(Collectors.groupingBy(w -> w.key.clusterId()));
                for (Cluster c : clusters.findAllForUpdate(batch)) {
                    dispatcher.dispatch(c, byCluster.getOrDefault(c.id, List.of()));
                }
            });
        }
        LOG.infof("Issued the desired state of %d clusters again, carrying keys %s", ids.size(),
                keys.trustedKeys().stream().map(VerificationKey::keyId).toList());
    }
}
