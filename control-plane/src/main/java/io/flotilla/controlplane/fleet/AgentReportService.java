package io.flotilla.controlplane.fleet;

import io.flotilla.proto.v1.ClusterStatus;
import io.flotilla.proto.v1.Presence;
import io.flotilla.proto.v1.WorkloadStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;

/** Applies what agents report (status, presence) to what the control plane knows. */
@ApplicationScoped
public class AgentReportService {

    private final ClusterRepository clusters;
    private final WorkloadStatusRepository statuses;
    private final Clock clock;

    AgentReportService(ClusterRepository clusters, WorkloadStatusRepository statuses, Clock clock) {
        this.clusters = clusters;
        this.statuses = statuses;
        this.clock = clock;
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
        c.appliedGeneration = status.getAppliedGeneration();
        c.applyError = status.getError().isEmpty() ? null : status.getError();
        c.paused = status.getPaused();
        c.agentVersion = status.getAgentVersion().isEmpty() ? c.agentVersion : status.getAgentVersion();
        c.lastStatusAt = clock.instant();
        c.online = true;
        statuses.deleteForCluster(c.id);
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
        }
        return Outcome.APPLIED;
    }

    @Transactional
    public Outcome applyPresence(Presence presence) {
        Cluster c = clusters.findForUpdate(presence.getClusterId()).orElse(null);
        if (c == null) {
            return Outcome.UNKNOWN_CLUSTER;
        }
        c.online = presence.getState() == Presence.State.STATE_ONLINE;
        c.lastPresenceAt = clock.instant();
        if (!presence.getAgentVersion().isEmpty()) {
            c.agentVersion = presence.getAgentVersion();
        }
        return Outcome.APPLIED;
    }
}
