package io.flotilla.controlplane.fleet;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "flotilla.fleet")
public interface FleetConfig {

    /**
     * An online cluster that sent no status, presence or telemetry for this long counts as offline, as if its
     * will message had arrived (a broker that lost the session may never send the will).
     */
    @WithDefault("90s")
    Duration heartbeatTimeout();

    /** How often heartbeats and the placement grace period are checked. */
    @WithDefault("2s")
    Duration presenceCheckInterval();

    /**
     * How often received presence is applied, in batches that keep only each cluster's newest message; the
     * most a presence change waits before health shows it.
     */
    @WithDefault("1s")
    Duration presenceFlushInterval();

    /**
     * Mass-offline protection: while more than this share of the clusters that have ever reported is offline at
     * once, placement gives no offline cluster up, however long it has been gone (see {@link MassOffline}).
     * 1 turns the protection off.
     */
    @WithDefault("0.5")
    double massOfflineThreshold();

    /** Below this many clusters that have ever reported, the protection never holds: one outage is half of a pair. */
    @WithDefault("3")
    int massOfflineMinClusters();
}
