package io.flotilla.controlplane.rollout;

import io.flotilla.controlplane.fleet.Cluster;
import io.flotilla.controlplane.fleet.ClusterRepository;
import io.flotilla.controlplane.fleet.ClusterWorkload;
import io.flotilla.controlplane.fleet.WorkloadStatusRecord;
import io.flotilla.controlplane.fleet.WorkloadStatusRepository;
import io.flotilla.controlplane.support.FleetException;
import io.flotilla.policy.FleetPolicy;
import io.flotilla.policy.IntOrPercent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Rollout waves of policy changes. A change that updates clusters already running the policy is recorded as a
 * rollout whose clusters (in id order) are cut into waves of {@code rollout.waveSize}; placement's commit holds
 * back every cluster whose wave is not released. A wave is released when every cluster of the previous ones has
 * converged (applied the generation that carried the change, workload Available) or failed within
 * {@code rollout.maxUnavailable}; more failures (workload Degraded, apply error, unacknowledged cluster) pause
 * the rollout when {@code pauseOnFailure} is set. New placements and removals are never held back.
 */
@ApplicationScoped
public class RolloutService {

    /** Cluster ids named in a rollout's reason; a cluster id is at most 63 characters, so 20 stay well within the column. */
    static final int NAMED_FAILURES = 20;

    public enum ClusterState { PENDING, PROGRESSING, CONVERGED, FAILED }

    /** The reason of a rollout paused through the API; any other paused rollout paused on failures. */
    public static final String PAUSED_BY_REQUEST = "paused by request";

    public record ClusterProgress(String clusterId, int wave, ClusterState state, Long targetGeneration,
            long appliedGeneration, String detail) {
    }

    public record Wave(int index, String state, List<ClusterProgress> clusters) {
    }

    public record Status(String policy, long revision, long fromRevision, Rollout.State state, String reason,
            String waveSize, String maxUnavailable, boolean pauseOnFailure, int clusters, int converged, int failed,
            int progressPercent, Instant createdAt, Instant updatedAt, List<Wave> waves) {
    }

    private final RolloutRepository rollouts;
    private final ClusterRepository clusters;
    private final WorkloadStatusRepository statuses;
    private final Clock clock;

    RolloutService(RolloutRepository rollouts, ClusterRepository clusters, WorkloadStatusRepository statuses, Clock clock) {
        this.rollouts = rollouts;
        this.clusters = clusters;
        this.statuses = statuses;
        this.clock = clock;
    }

    /** @param moved a rollout paused, released a wave or finished; @param released a wave was released */
    public record Advance(boolean moved, boolean released) {
    }

    /** Records the rollout of {@code revision} to the clusters it updates and releases its first wave. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void start(FleetPolicy policy, long revision, long fromRevision, Collection<String> updated) {
        Instant now = clock.instant();
        for (Rollout older : rollouts.active(policy.name())) {
            finish(older, Rollout.State.SUPERSEDED, "revision " + revision + " was applied", now);
        }
        if (updated.isEmpty()) {
            return;
        }
        var r = new Rollout();
        r.policyName = policy.name();
        r.revision = revision;
        r.fromRevision = fromRevision;
        r.state = Rollout.State.RUNNING;
        r.waveSize = policy.spec().rollout().waveSize().toString();
        r.maxUnavailable = policy.spec().rollout().maxUnavailable().toString();
        r.pauseOnFailure = policy.spec().rollout().pauseOnFailure();
        r.createdAt = now;
        r.updatedAt = now;
        rollouts.persist(r);
        int size = Math.max(1, policy.spec().rollout().waveSize().of(updated.size()));
        int i = 0;
        for (String clusterId : updated.stream().sorted().toList()) {
            var c = new RolloutCluster();
            c.key = new RolloutCluster.Key(r.id, clusterId);
            c.wave = i++ / size;
            c.released = c.wave == 0;
            rollouts.persist(c);
        }
        rollouts.flush();
    }

    /** After placement committed: every released cluster records the generation that carries the change. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void recordTargets() {
        for (Rollout r : rollouts.active()) {
            for (RolloutCluster c : rollouts.clusters(r.id)) {
                if (c.released && c.targetGeneration == null) {
                    c.targetGeneration = clusters.findByIdOptional(c.key.clusterId()).map(x -> x.desiredGeneration).orElse(0L);
                }
            }
        }
    }

    /** Policies that are not current any more end their rollouts. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void supersedeAllBut(Map<String, Long> currentRevisions) {
        for (Rollout r : rollouts.active()) {
            Long current = currentRevisions.get(r.policyName);
            if (current == null || current != r.revision) {
                finish(r, Rollout.State.SUPERSEDED, current == null ? "the policy was deleted" : "revision " + current + " was applied",
                        clock.instant());
            }
        }
    }

    /**
     * Moves each running rollout on: pauses it on too many failures, releases its next wave, or ends it.
     *
     * @return what moved: a released wave needs a placement run to hand it the change; any move shows in the console
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Advance advance() {
        boolean released = false;
        boolean moved = false; // paused, released or finished: the console shows it live
        Instant now = clock.instant();
        for (Rollout r : rollouts.active()) {
            if (r.state != Rollout.State.RUNNING) {
                continue;
            }
            List<RolloutCluster> members = rollouts.clusters(r.id);
            List<ClusterProgress> progress = members.stream().map(c -> progressOf(r, c)).toList();
            List<String> failed = progress.stream().filter(p -> p.state() == ClusterState.FAILED).map(ClusterProgress::clusterId).toList();
            int allowed = IntOrPercent.parse(r.maxUnavailable).orElse(IntOrPercent.count(0)).of(members.size());
            if (failed.size() > allowed) {
                if (r.pauseOnFailure) {
                    r.state = Rollout.State.PAUSED;
                    r.reason = failed(failed) + ", more than maxUnavailable " + r.maxUnavailable
                            + " (" + allowed + " of " + members.size() + ")";
                    r.updatedAt = now;
                    moved = true;
                }
                continue;
            }
            boolean waveDone = progress.stream().filter(p -> p.state() != ClusterState.PENDING)
                    .allMatch(p -> p.state() == ClusterState.CONVERGED || p.state() == ClusterState.FAILED);
            if (!waveDone) {
                continue;
            }
            int next = members.stream().filter(c -> !c.released).mapToInt(c -> c.wave).min().orElse(-1);
            if (next < 0) {
                finish(r, Rollout.State.DONE, failed.isEmpty() ? null : "finished with " + failed(failed), now);
                moved = true;
                continue;
            }
            members.stream().filter(c -> c.wave == next).forEach(c -> c.released = true);
            r.updatedAt = now;
            released = true;
            moved = true;
        }
        rollouts.flush();
        return new Advance(moved, released);
    }

    @Transactional
    public Status status(String policy) {
        Rollout r = rollouts.latest(policy).orElseThrow(() -> new FleetException(FleetException.Kind.NOT_FOUND,
                "policy '" + policy + "' has no rollout (none of its changes has updated a running cluster yet)"));
        var byWave = new TreeMap<Integer, List<ClusterProgress>>();
        int converged = 0;
        int failed = 0;
        for (RolloutCluster c : rollouts.clusters(r.id)) {
            ClusterProgress p = progressOf(r, c);
            byWave.computeIfAbsent(c.wave, k -> new ArrayList<>()).add(p);
            converged += p.state() == ClusterState.CONVERGED ? 1 : 0;
            failed += p.state() == ClusterState.FAILED ? 1 : 0;
        }
        int total = byWave.values().stream().mapToInt(List::size).sum();
        var waves = new ArrayList<Wave>();
        byWave.forEach((index, members) -> waves.add(new Wave(index, waveState(members), members)));
        return new Status(r.policyName, r.revision, r.fromRevision, r.state, r.reason, r.waveSize, r.maxUnavailable,
                r.pauseOnFailure, total, converged, failed, total == 0 ? 100 : converged * 100 / total, r.createdAt,
                r.updatedAt, waves);
    }

    @Transactional
    public Status pause(String policy) {
        Rollout r = activeOf(policy);
        r.state = Rollout.State.PAUSED;
        r.reason = PAUSED_BY_REQUEST;
        r.updatedAt = clock.instant();
        return status(policy);
    }

    /** Resumes a paused rollout; if its failures still exceed maxUnavailable it pauses again at the next check. */
    @Transactional
    public Status resume(String policy) {
        Rollout r = activeOf(policy);
        r.state = Rollout.State.RUNNING;
        r.reason = null;
        r.updatedAt = clock.instant();
        return status(policy);
    }

    private Rollout activeOf(String policy) {
        return rollouts.active(policy).stream().findFirst().orElseThrow(() -> new FleetException(FleetException.Kind.CONFLICT,
                "policy '" + policy + "' has no rollout in progress"));
    }

    /**
     * "3 failed [a, b, c]", naming at most {@value #NAMED_FAILURES} clusters: the reason column holds 2,000 characters,
     * and a rollout at 10,000 clusters with thousands failed could not be stored (it stayed RUNNING, retried every check).
     * The full list is in the rollout's per-cluster status.
     */
    static String failed(List<String> clusterIds) {
        if (clusterIds.size() <= NAMED_FAILURES) {
            return clusterIds.size() + " failed " + clusterIds;
        }
        return clusterIds.size() + " failed [" + String.join(", ", clusterIds.subList(0, NAMED_FAILURES)) + ", and "
                + (clusterIds.size() - NAMED_FAILURES) + " more]";
    }

    private void finish(Rollout r, Rollout.State state, String reason, Instant now) {
        r.state = state;
        r.reason = reason;
        r.updatedAt = now;
    }

    private ClusterProgress progressOf(Rollout r, RolloutCluster c) {
        if (!c.released) {
            return new ClusterProgress(c.key.clusterId(), c.wave, ClusterState.PENDING, null, 0, null);
        }
        Cluster cluster = clusters.findById(c.key.clusterId());
        if (cluster == null) {
            return new ClusterProgress(c.key.clusterId(), c.wave, ClusterState.FAILED, c.targetGeneration, 0, "cluster was deleted");
        }
        WorkloadStatusRecord status = statuses.findById(new ClusterWorkload.Key(cluster.id, r.policyName));
        long target = c.targetGeneration == null ? cluster.desiredGeneration : c.targetGeneration;
        boolean applied = cluster.appliedGeneration >= target;
        ClusterState state;
        String detail = null;
        if (applied && status != null && "Degraded".equals(status.condition)) {
            state = ClusterState.FAILED;
            detail = "workload Degraded" + (status.reason == null || status.reason.isEmpty() ? "" : ": " + status.reason);
        } else if (cluster.applyError != null) {
            state = ClusterState.FAILED;
            detail = "apply failed: " + cluster.applyError;
        } else if (cluster.unacknowledged) {
            state = ClusterState.FAILED;
            detail = "did not acknowledge generation " + target;
        } else if (applied && status != null && "Available".equals(status.condition)) {
            state = ClusterState.CONVERGED;
        } else {
            state = ClusterState.PROGRESSING;
        }
        return new ClusterProgress(cluster.id, c.wave, state, c.targetGeneration, cluster.appliedGeneration, detail);
    }

    private static String waveState(List<ClusterProgress> members) {
        if (members.stream().allMatch(p -> p.state() == ClusterState.PENDING)) {
            return "PENDING";
        }
        if (members.stream().anyMatch(p -> p.state() == ClusterState.FAILED)) {
            return "FAILED";
        }
        return members.stream().allMatch(p -> p.state() == ClusterState.CONVERGED) ? "DONE" : "PROGRESSING";
    }
}
