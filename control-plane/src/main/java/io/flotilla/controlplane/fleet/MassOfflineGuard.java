package io.flotilla.controlplane.fleet;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Remembers whether the fleet is in a mass outage ({@link MassOffline}) and says so when that changes: a WARN log
 * line when the protection starts and INFO when it ends, the gauges {@code flotilla_fleet_mass_offline} (0/1) and
 * {@code flotilla_fleet_offline_share}, and a {@link MassOfflineChanged} event that the console passes on.
 *
 * <p>Deciding stays in one place: the {@link PresenceMonitor} is the only code that gives a cluster up
 * ({@code placementOffline}), and while this guard says the protection holds it gives none up. Placement itself knows
 * nothing about mass outages; it keeps reading {@code placementOffline}, which therefore never says anything but the
 * truth placement acts on (the alternative, marking clusters and having placement ignore the mark, would leave two
 * places to agree). When the share drops back, the monitor's next check gives up every cluster offline beyond its
 * grace, as if the protection had never held. A cluster already given up before the outage stays given up.
 *
 * <p>Every replica assesses (the counts come from the database, which the leader's presence handling keeps), so the
 * API, the gauges and the console's event stream agree whichever replica serves them; only the leader acts on it.
 */
@ApplicationScoped
public class MassOfflineGuard {

    private static final Logger LOG = Logger.getLogger(MassOfflineGuard.class);

    /**
     * What the guard last saw, at {@code assessedAt} (null before the first presence check); {@code since} is when
     * the protection started, empty while it does not hold.
     */
    public record Status(MassOffline state, Optional<Instant> since, Instant assessedAt) {
    }

    private final FleetConfig config;
    private final Clock clock;
    private final Event<MassOfflineChanged> changed;
    private volatile Status status;

    MassOfflineGuard(FleetConfig config, Clock clock, Event<MassOfflineChanged> changed, MeterRegistry metrics) {
        this.config = config;
        this.clock = clock;
        this.changed = changed;
        // validated here, so that a bad setting stops the start instead of the first presence check
        this.status = new Status(new MassOffline(0, 0, config.massOfflineThreshold(), config.massOfflineMinClusters()),
                Optional.empty(), null);
        metrics.gauge("flotilla.fleet.mass.offline", this, g -> g.status.state().holds() ? 1 : 0);
        metrics.gauge("flotilla.fleet.offline.share", this, g -> g.status.state().offlineShare());
    }

    public Status status() {
        return status;
    }

    /** Takes the fleet's current counts; returns whether the protection holds. */
    synchronized boolean assess(int reporting, int offline) {
        MassOffline now = new MassOffline(reporting, offline, config.massOfflineThreshold(), config.massOfflineMinClusters());
        boolean held = status.state().holds();
        Instant at = clock.instant();
        if (now.holds() && !held) {
            status = new Status(now, Optional.of(at), at);
            LOG.warnf("%d of %d clusters are offline at once (more than %.0f %% of the fleet): placement moves no workloads"
                    + " away from offline clusters until %d more %s back", offline, reporting, now.threshold() * 100,
                    now.toComeBack(), now.toComeBack() == 1 ? "is" : "are");
            changed.fire(new MassOfflineChanged(now));
        } else if (!now.holds() && held) {
            status = new Status(now, Optional.empty(), at);
            LOG.infof("Mass offline over: %d of %d clusters are offline; placement again moves workloads away from clusters"
                    + " offline beyond the grace period", offline, reporting);
            changed.fire(new MassOfflineChanged(now));
        } else {
            status = new Status(now, status.since(), at);
        }
        return now.holds();
    }
}
