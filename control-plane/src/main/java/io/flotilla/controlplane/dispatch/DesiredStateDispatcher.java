package io.flotilla.controlplane.dispatch;

import io.flotilla.controlplane.fleet.Cluster;
import io.flotilla.controlplane.fleet.ClusterWorkload;
import io.flotilla.controlplane.fleet.ClusterWorkloadRepository;
import io.flotilla.controlplane.fleet.WorkloadSpec;
import io.flotilla.controlplane.protocol.ProtocolKeys;
import io.flotilla.controlplane.support.ChangeStages;
import io.flotilla.proto.VerificationKey;
import io.flotilla.proto.v1.DesiredState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Bumps a cluster's generation and writes its signed desired state to the outbox, inside the
 * caller's transaction: the new generation and the message to publish commit together or not at
 * all. Publication happens after commit, in {@link OutboxPublisher}.
 */
@ApplicationScoped
public class DesiredStateDispatcher {

    private final ClusterWorkloadRepository workloads;
    private final OutboxRepository outbox;
    private final ProtocolKeys keys;
    private final Clock clock;
    private final Event<OutboxWritten> written;
    private final ChangeStages stages;

    DesiredStateDispatcher(ClusterWorkloadRepository workloads, OutboxRepository outbox, ProtocolKeys keys,
            Clock clock, Event<OutboxWritten> written, ChangeStages stages) {
        this.stages = stages;
        this.workloads = workloads;
        this.outbox = outbox;
        this.keys = keys;
        this.clock = clock;
        this.written = written;
    }

    /** Signals that the outbox holds something new once the transaction has committed. */
    public record OutboxWritten(String clusterId, long generation) {
    }

    /** Prepares dispatches to many clusters in this transaction: their outbox entries in a few queries, not one each. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void preload(List<String> clusterIds) {
        outbox.preload(clusterIds);
    }

    /** @param cluster locked by the caller's transaction */
    @Transactional(Transactional.TxType.MANDATORY)
    public DesiredState dispatch(Cluster cluster) {
        return dispatch(cluster, workloads.forCluster(cluster.id));
    }

    /**
     * The same with the cluster's workloads given: all of them, as they are in this transaction. A caller that
     * dispatches to many clusters in one transaction loads their workloads once, instead of one query per
     * cluster, each of which would first flush (dirty-check) every entity the transaction holds.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public DesiredState dispatch(Cluster cluster, Collection<ClusterWorkload> clusterWorkloads) {
        SortedMap<String, WorkloadSpec> specs = new TreeMap<>();
        for (ClusterWorkload w : clusterWorkloads) {
            specs.put(w.key.name(), w.spec);
        }
        cluster.desiredGeneration++;
        Instant now = clock.instant();
        long compiling = System.nanoTime();
        DesiredState state = DesiredStateCompiler.compile(cluster.id, cluster.desiredGeneration, now, specs).toBuilder()
                .addAllTrustedKeys(keys.trustedKeys().stream().map(VerificationKey::toBase64).toList())
                .build();
        byte[] payload = keys.desiredStateCodec().encode(cluster.id, state);
        long writing = System.nanoTime();
        stages.record(ChangeStages.Stage.COMPILE_SIGN, writing - compiling);

        OutboxEntry entry = outbox.findById(cluster.id);
        boolean created = entry == null;
        if (created) {
            entry = new OutboxEntry();
            entry.clusterId = cluster.id;
        }
        entry.generation = state.getGeneration();
        entry.payload = payload;
        entry.createdAt = now;
        entry.publishedAt = null;
        entry.attempts = 0;
        entry.republications = 0;
        if (created) {
            outbox.persist(entry);
        }
        stages.since(ChangeStages.Stage.OUTBOX_WRITE, writing);
        written.fire(new OutboxWritten(cluster.id, state.getGeneration()));
        return state;
    }

}
