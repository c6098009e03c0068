package io.flotilla.controlplane.policy;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "flotilla.placement")
public interface PlacementConfig {

    /**
     * Whether only online clusters (presence or status seen, connection up) are READY for placement.
     * With false every registered cluster counts as READY: for demos and tests without agents.
     */
    @WithDefault("true")
    boolean requireOnline();

    /** How often fleet changes (registrations, clusters coming and going) are gathered into one placement run. */
    @WithDefault("1s")
    Duration debounce();

    /**
     * How long a cluster may stay offline before placement moves its workloads elsewhere. Shorter outages
     * move nothing, so a flapping connection causes no churn; a cluster that returns after the grace is
     * eligible again at once and placement's steadiness decides whether workloads move back.
     */
    @WithDefault("5m")
    Duration offlineGrace();
}
