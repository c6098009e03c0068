package io.flotilla.controlplane.fleet;

import io.flotilla.proto.v1.ClusterStatus;
import io.flotilla.proto.v1.Presence;
import io.flotilla.proto.v1.WorkloadStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Applies what agents report (status, presence) to what the control plane knows. */
@ApplicationScoped
public class AgentReportService {

    private final ClusterRepository clusters;
    private final WorkloadStatusRepository statuses;
    private final Clock clock;
    private final Event<FleetChanged> changed;
    private final Duration presenceMargin;

    AgentReportService(ClusterRepository clusters, WorkloadStatusRepository statuses, Clock clock,
            Event<FleetChanged> changed, FleetConfig fleet) {
        this.clusters = clusters;
        this.statuses = statuses;
        this.clock = clock;
        this.changed = changed;
        this.presenceMargin = fleet.heartbeatTimeout().dividedBy(2);
    }

    /** What routing reads from a workload's status; other fields changing need not tell anyone. */
    private record Routable(String name, String condition, String endpoint) {
        static List<Routable> of(List<WorkloadStatusRecord> records) {
            return records.stream().map(r -> new Routable(r.key.name(), r.condition, r.endpoint)).toList();
        }
    }

    public enum Outcome { APPLIED, STALE, UNKNOWN_CLUSTER }

    @Transactional
    public Outcome applyStatus(ClusterStatus status) {
        Cluster c = clusters.findForUpdate(status.getClusterId()).orElse(null);
        if (c == null) {
            return Outcome.UNKNOWN_CLUSTER;
        }
        // Status travels at QoS 1 and may arrive late or twice: never step the applied generation back.
        if (status.getAppliedGeneration() < c.appliedGeneration) {
            return Outcome.STALE;
        }
        boolean wasEligible = c.eligibleForPlacement();
        c.appliedGeneration = status.getAppliedGeneration();
        if (c.appliedGeneration >= c.desiredGeneration) {
            c.unacknowledged = false;
        }
        c.applyError = status.getError().isEmpty() ? null : status.getError();
        c.paused = status.getPaused();
        c.agentVersion = status.getAgentVersion().isEmpty() ? c.agentVersion : status.getAgentVersion();
        c.lastStatusAt = clock.instant();
        // a status waits in the inbox behind others: one the agent sent before its OFFLINE must not undo it
        if (!c.online && !offlineByPresence(c, presenceMargin)) {
            markOnline(c);
        }
        fireIfEligibilityChanged(c, wasEligible);
        List<WorkloadStatusRecord> previous = statuses.forCluster(c.id);
        List<Routable> before = Routable.of(previous);
        // the bulk delete below leaves loaded entities in the session, where the new rows would clash with them
        previous.forEach(statuses.getEntityManager()::detach);
        statuses.deleteForCluster(c.id);
        var reported = new ArrayList<WorkloadStatusRecord>();
        statuses.flush();
        for (WorkloadStatus w : status.getWorkloadsList()) {
            WorkloadStatusRecord r = new WorkloadStatusRecord();
            r.key = new ClusterWorkload.Key(c.id, w.getName());
            r.condition = switch (w.getCondition()) {
                case WORKLOAD_CONDITION_AVAILABLE -> "Available";
                case WORKLOAD_CONDITION_PROGRESSING -> "Progressing";
                case WORKLOAD_CONDITION_DEGRADED -> "Degraded";
                default -> "Unknown";
            };
            r.reason = w.getReason();
            r.message = w.getMessage();
            r.readyReplicas = w.getReadyReplicas();
            r.desiredReplicas = w.getDesiredReplicas();
            r.endpoint = w.getEndpoint().isEmpty() ? null : w.getEndpoint();
            statuses.persist(r);
            reported.add(r);
        }
        reported.sort(Comparator.comparing(r -> r.key.name()));
        if (!Objects.equals(before, Routable.of(reported))) {
            changed.fire(new FleetChanged(c.id, FleetChanged.Kind.WORKLOAD_STATUS));
        }
        return Outcome.APPLIED;
    }

    /** A presence message and when it arrived. */
    public record ReceivedPresence(Presence presence, Instant receivedAt) {
    }

    /**
     * Applies presence of many clusters in one transaction (at most one message per cluster: the newest).
     * Rows are locked in id order, so two replicas applying overlapping batches cannot deadlock. A message received
     * before the one last applied to its cluster is skipped: every replica applies every presence message, and a
     * replica that falls behind would otherwise undo a will with the message before it.
     *
     * @return the ids of clusters that are not registered
     */
    @Transactional
    public List<String> applyPresences(List<ReceivedPresence> batch) {
        var ids = batch.stream().map(r -> r.presence().getClusterId()).distinct().sorted().toList();
        Map<String, Cluster> found = new HashMap<>();
        clusters.findAllForUpdate(ids).forEach(c -> found.put(c.id, c));
        var unknown = new ArrayList<String>();
        for (ReceivedPresence r : batch) {
            Presence presence = r.presence();
            Cluster c = found.get(presence.getClusterId());
            if (c == null) {
                unknown.add(presence.getClusterId());
                continue;
            }
            if (c.lastPresenceAt != null && r.receivedAt().isBefore(c.lastPresenceAt)) {
                continue;
            }
            boolean wasEligible = c.eligibleForPlacement();
            boolean online = presence.getState() == Presence.State.STATE_ONLINE;
            c.lastPresenceAt = r.receivedAt();
            if (online && !c.online) {
                markOnline(c);
            } else if (!online && c.online) {
                markOffline(c);
            }
            fireIfEligibilityChanged(c, wasEligible);
            if (!presence.getAgentVersion().isEmpty()) {
                c.agentVersion = presence.getAgentVersion();
            }
        }
        return unknown;
    }

    /**
     * A cluster that reported nothing since {@code silentSince} counts as offline, as if its will had arrived. The
     * presence monitor lists silent clusters before it locks each one, and a report may be applied in between:
     * the row is judged again here, under its lock, against the cut-off the list was made with.
     *
     * @return whether the cluster went offline
     */
    @Transactional
    public boolean expireHeartbeat(String clusterId, Instant silentSince) {
        Cluster c = clusters.findForUpdate(clusterId).orElse(null);
        if (c == null || !c.online || (c.lastReportAt() != null && !c.lastReportAt().isBefore(silentSince))) {
            return false;
        }
        markOffline(c);
        return true;
    }

    /**
     * A cluster counted offline because it fell silent (not because its will or an OFFLINE presence said so) that
     * sends telemetry again is online: telemetry is what a connected agent sends most, and without this a cluster
     * silent for a moment (or a control plane paused for longer than the heartbeat timeout) would stay offline until
     * its next status change or reconnect, and lose its workloads after the grace while it reports every few seconds.
     * An offline verdict from presence is left to presence: its OFFLINE arrived within moments of {@code offlineSince},
     * while a silent cluster's last presence is at least a heartbeat timeout older.
     *
     * @param presenceMargin how much older than the verdict a cluster's last presence must be for the verdict to be
     *     silence (half the heartbeat timeout)
     * @return whether the cluster is online again
     */
    @Transactional
    public boolean reviveByTelemetry(String clusterId, Duration presenceMargin) {
        Cluster c = clusters.findForUpdate(clusterId).orElse(null);
        if (c == null || c.online || c.offlineSince == null || c.lastTelemetryAt == null
                || !c.lastTelemetryAt.isAfter(c.offlineSince) || offlineByPresence(c, presenceMargin)) {
            return false;
        }
        boolean wasEligible = c.eligibleForPlacement();
        markOnline(c);
        fireIfEligibilityChanged(c, wasEligible);
        return true;
    }

    /**
     * Whether an offline cluster's own presence (an OFFLINE it published, or its will) put it offline, rather than
     * silence: then only its ONLINE presence, published on every connect, brings it back.
     */
    private static boolean offlineByPresence(Cluster c, Duration presenceMargin) {
        return c.offlineSince != null && c.lastPresenceAt != null && !c.lastPresenceAt.isBefore(c.offlineSince.minus(presenceMargin));
    }

    /**
     * Placement gives up on a cluster offline since before {@code offlineBefore}. Judged again under the row lock,
     * as {@link #expireHeartbeat}: a cluster that came back after it was listed, even one gone again since, has
     * been offline only since then.
     *
     * @return whether placement gave the cluster up
     */
    @Transactional
    public boolean expireGrace(String clusterId, Instant offlineBefore) {
        Cluster c = clusters.findForUpdate(clusterId).orElse(null);
        if (c == null || c.online || c.placementOffline || c.offlineSince == null || !c.offlineSince.isBefore(offlineBefore)) {
            return false;
        }
        boolean wasEligible = c.eligibleForPlacement();
        c.placementOffline = true;
        fireIfEligibilityChanged(c, wasEligible);
        return true;
    }

    private void markOnline(Cluster c) {
        c.online = true;
        c.offlineSince = null;
        c.placementOffline = false;
        changed.fire(new FleetChanged(c.id, FleetChanged.Kind.CONNECTIVITY));
    }

    private void markOffline(Cluster c) {
        c.online = false;
        c.offlineSince = clock.instant();
        changed.fire(new FleetChanged(c.id, FleetChanged.Kind.CONNECTIVITY));
    }

    private void fireIfEligibilityChanged(Cluster c, boolean wasEligible) {
        if (wasEligible != c.eligibleForPlacement()) {
            changed.fire(new FleetChanged(c.id, FleetChanged.Kind.ELIGIBILITY));
        }
    }
}
