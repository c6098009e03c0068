package io.flotilla.controlplane.telemetry;

import io.agroal.api.AgroalDataSource;
import io.flotilla.controlplane.leader.Leadership;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.jboss.logging.Logger;

/**
 * One-minute roll-ups and retention, on the leader. Each run recomputes the roll-ups of the last
 * {@link #WINDOW} complete minutes (delete, then insert from the samples), so late batches are included and a
 * run that failed is made good by the next; then deletes samples and roll-ups past their retention.
 */
@ApplicationScoped
public class TelemetryMaintenance {

    private static final Logger LOG = Logger.getLogger(TelemetryMaintenance.class);
    static final Duration WINDOW = Duration.ofMinutes(5);

    private final AgroalDataSource dataSource;
    private final TelemetryConfig config;
    private final Leadership leadership;
    private final Clock clock;

    TelemetryMaintenance(AgroalDataSource dataSource, TelemetryConfig config, Leadership leadership, Clock clock) {
        this.dataSource = dataSource;
        this.config = config;
        this.leadership = leadership;
        this.clock = clock;
    }

    @Scheduled(every = "${flotilla.telemetry.maintenance-interval}", delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void run() {
        if (!leadership.isLeader()) {
            return;
        }
        try {
            Instant now = clock.instant();
            rollUp(now);
            deleteExpired(now);
        } catch (SQLException e) {
            LOG.warn("Telemetry roll-up or retention failed; retrying at the next interval", e);
        }
    }

    /** Rolls up the complete minutes of the window before {@code now}; returns the roll-up rows written. */
    public int rollUp(Instant now) throws SQLException {
        Instant end = now.truncatedTo(ChronoUnit.MINUTES);
        return rollUp(end.minus(WINDOW), end);
    }

    /** Recomputes the roll-ups of the minutes from {@code start} (inclusive) to {@code end} (exclusive), both whole minutes. */
    public int rollUp(Instant start, Instant end) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM telemetry_rollup WHERE minute_start >= ? AND minute_start < ?");
                    PreparedStatement insert = c.prepareStatement("""
                            INSERT INTO telemetry_rollup (cluster_id, device, minute_start, samples, avg_utilization,
                                max_utilization, avg_memory_used_mib, max_temperature, avg_queue_depth, max_memory_total_mib)
                            SELECT cluster_id, device, DATE_TRUNC('MINUTE', sampled_at), COUNT(*), AVG(utilization),
                                MAX(utilization), AVG(memory_used_mib), MAX(temperature_celsius), AVG(queue_depth),
                                MAX(memory_total_mib)
                            FROM telemetry_sample WHERE sampled_at >= ? AND sampled_at < ?
                            GROUP BY cluster_id, device, DATE_TRUNC('MINUTE', sampled_at)""")) {
                delete.setTimestamp(1, Timestamp.from(start));
                delete.setTimestamp(2, Timestamp.from(end));
                delete.executeUpdate();
                insert.setTimestamp(1, Timestamp.from(start));
                insert.setTimestamp(2, Timestamp.from(end));
                int rows = insert.executeUpdate();
                c.commit();
                return rows;
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** Deletes samples and roll-ups older than their retention; returns the samples deleted. */
    public int deleteExpired(Instant now) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement samples = c.prepareStatement("DELETE FROM telemetry_sample WHERE sampled_at < ?");
                PreparedStatement rollups = c.prepareStatement("DELETE FROM telemetry_rollup WHERE minute_start < ?")) {
            samples.setTimestamp(1, Timestamp.from(now.minus(config.retention())));
            int deleted = samples.executeUpdate();
            rollups.setTimestamp(1, Timestamp.from(now.minus(config.rollupRetention())));
            rollups.executeUpdate();
            return deleted;
        }
    }
}
