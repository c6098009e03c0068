package io.flotilla.controlplane.fleet;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;

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

    /**
     * How much a cluster's load may move, as the load penalty placement scores it by (milliseconds: 10 per
     * waiting request, up to 100 for GPU utilisation above 80 %), before placement takes the new load. Telemetry
     * moves every cluster's load a little all the time; below this a cluster counts as unchanged, so that one
     * cluster's change re-places in milliseconds rather than every cluster looking changed. 0 takes every change.
     */
    @WithDefault("5")
    double loadHysteresisMs();

    /**
     * Weights of placement's scores by plugin name: latency, load, spread, steadiness (defaults 40, 20, 20, 20), e.g.
     * {@code flotilla.placement.score-weights.load=40}. Those not given keep their defaults; an unknown name stops the
     * start with the names there are.
     */
    Map<String, Double> scoreWeights();
}
