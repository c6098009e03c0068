package io.flotilla.controlplane.telemetry;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "flotilla.telemetry")
public interface TelemetryConfig {

    /** Whether samples are stored in the database; the in-memory latest view is kept either way. */
    @WithDefault("true")
    boolean store();

    /** Samples waiting to be written; when full the oldest are dropped and counted. */
    @WithDefault("200000")
    int queueCapacity();

    /**
     * Reports received but not decoded yet; when full the oldest are dropped and counted. The MQTT event loop only
     * queues here, so a burst it cannot decode at once no longer fills the connector's buffer, which failed the
     * channel for good.
     */
    @WithDefault("50000")
    int inboxCapacity();

    /** Most samples written in one batch. */
    @WithDefault("5000")
    int batchSize();

    /** How long samples are kept. */
    @WithDefault("7d")
    Duration retention();

    /** How long one-minute roll-ups are kept. */
    @WithDefault("90d")
    Duration rollupRetention();

    /** How often roll-ups are computed (over the last few minutes) and old rows deleted. */
    @WithDefault("1m")
    Duration maintenanceInterval();

    /** A cluster's last telemetry time is written at most this often (it feeds the heartbeat). */
    @WithDefault("10s")
    Duration heartbeatWriteInterval();

    /**
     * Most clusters with Prometheus series of their own ({@link ClusterMetrics}); the rest share one
     * {@code cluster="_other"} series, so a scrape stays bounded whatever the size of the fleet.
     */
    @WithDefault("500")
    int metricsMaxClusters();

    /** How often the per-cluster gauges are recomputed. */
    @WithDefault("15s")
    Duration metricsInterval();
}
