package io.flotilla.controlplane.fleet;

import io.flotilla.controlplane.leader.Leadership;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Turns silence into presence: an online cluster that has not reported within the heartbeat timeout goes
 * offline, and one offline for longer than the placement grace period is given up by placement. Runs on the
 * leader only; each cluster is changed in its own transaction through {@link AgentReportService}, which judges it
 * again under its row lock against the same cut-off, since reports keep being applied while the monitor works.
 *
 * <p>While {@link MassOfflineGuard} says that too much of the fleet is offline at once, no cluster is given up: this
 * is the one place that decides, and placement only ever sees the outcome. Every replica lets the guard assess the
 * fleet, so that what it reports is the same everywhere.
 */
@ApplicationScoped
class PresenceMonitor {

    private static final Logger LOG = Logger.getLogger(PresenceMonitor.class);

    private final ClusterRepository clusters;
    private final AgentReportService reports;
    private final AgentMessageIngestor ingestor;
    private final FleetConfig fleet;
    private final PlacementConfig placement;
    private final Leadership leadership;
    private final Clock clock;
    private final MassOfflineGuard massOffline;

    PresenceMonitor(ClusterRepository clusters, AgentReportService reports, AgentMessageIngestor ingestor, FleetConfig fleet,
            PlacementConfig placement, Leadership leadership, Clock clock, MassOfflineGuard massOffline) {
        this.clusters = clusters;
        this.reports = reports;
        this.ingestor = ingestor;
        this.fleet = fleet;
        this.placement = placement;
        this.leadership = leadership;
        this.clock = clock;
        this.massOffline = massOffline;
    }

    @Scheduled(every = "${flotilla.fleet.presence-check-interval}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void check() {
        if (!leadership.isLeader()) {
            assessMassOffline();
            return;
        }
        Instant now = clock.instant();
        // presence waits in the ingestor until its next flush: what arrived by now is applied before silence is
        // judged, or a cluster that reported in time would count as silent (and, offline, as gone for good)
        ingestor.flushPresence();
        List<String> talking = QuarkusTransaction.requiringNew().call(() -> clusters.getEntityManager().createQuery(
                "select c.id from Cluster c where c.online = false and c.offlineSince is not null"
                        + " and c.lastTelemetryAt > c.offlineSince", String.class).getResultList());
        for (String id : talking) {
            if (reports.reviveByTelemetry(id, fleet.heartbeatTimeout().dividedBy(2))) {
                LOG.infof("Cluster '%s' sends telemetry again: counting it online", id);
            }
        }
        Instant silentSince = now.minus(fleet.heartbeatTimeout());
        List<String> silent = QuarkusTransaction.requiringNew().call(() -> ids(
                "select c.id from Cluster c where c.online = true"
                        + " and (c.lastStatusAt is null or c.lastStatusAt < ?1)"
                        + " and (c.lastPresenceAt is null or c.lastPresenceAt < ?1)"
                        + " and (c.lastTelemetryAt is null or c.lastTelemetryAt < ?1)", silentSince));
        for (String id : silent) {
            if (reports.expireHeartbeat(id, silentSince)) {
                LOG.infof("Cluster '%s' sent nothing for %s: counting it offline", id, fleet.heartbeatTimeout());
            }
        }
        // judged after this check's heartbeat expiries, so that clusters falling silent together count together
        if (assessMassOffline()) {
            return;
        }
        Instant offlineBefore = now.minus(placement.offlineGrace());
        List<String> gone = QuarkusTransaction.requiringNew().call(() -> ids(
                "select c.id from Cluster c where c.online = false and c.placementOffline = false and c.offlineSince < ?1",
                offlineBefore));
        for (String id : gone) {
            if (reports.expireGrace(id, offlineBefore)) {
                LOG.infof("Cluster '%s' is offline for more than %s: placement moves its workloads elsewhere", id,
                        placement.offlineGrace());
            }
        }
    }

    private boolean assessMassOffline() {
        int[] counts = QuarkusTransaction.requiringNew().call(clusters::presenceCounts);
        return massOffline.assess(counts[0], counts[1]);
    }

    private List<String> ids(String query, Instant parameter) {
        return clusters.getEntityManager().createQuery(query, String.class).setParameter(1, parameter).getResultList();
    }
}
