package io.flotilla.controlplane.telemetry;

import io.agroal.api.AgroalDataSource;
import io.flotilla.controlplane.support.DropOldestQueue;
import io.flotilla.controlplane.support.RateLimitedLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;

/**
 * Writes telemetry samples to the database in batches from a bounded queue, off the MQTT event loop: binary COPY on
 * PostgreSQL, a JDBC batch elsewhere. Also writes each cluster's last telemetry time (its heartbeat), at most
 * once per {@code flotilla.telemetry.heartbeat-write-interval} per cluster.
 */
@ApplicationScoped
public class TelemetryWriter {

    private static final Logger LOG = Logger.getLogger(TelemetryWriter.class);
    /** In a database outage every batch fails: said once per 10 s, with how many more failed. */
    private static final RateLimitedLog FAILED_WRITES = new RateLimitedLog(LOG, Duration.ofSeconds(10));
    static final String COLUMNS = "cluster_id, device, sampled_at, utilization, memory_used_mib, memory_total_mib,"
            + " temperature_celsius, power_watts, queue_depth";

    private final AgroalDataSource dataSource;
    private final TelemetryConfig config;
    private final Clock clock;
    private final DropOldestQueue<TelemetrySample> queue;
    private final Counter written;
    private final Counter dropped;
    private final Counter failed;
    private final Map<String, Instant> heartbeatWritten = new ConcurrentHashMap<>();
    private final Map<String, Instant> heartbeatPending = new ConcurrentHashMap<>();
    private volatile boolean running;
    private Thread thread;

    TelemetryWriter(AgroalDataSource dataSource, TelemetryConfig config, Clock clock, MeterRegistry metrics) {
        this.dataSource = dataSource;
        this.config = config;
        this.clock = clock;
        this.queue = new DropOldestQueue<>(config.queueCapacity());
        this.written = metrics.counter("flotilla.telemetry.samples.written");
        this.dropped = metrics.counter("flotilla.telemetry.samples.dropped");
        this.failed = metrics.counter("flotilla.telemetry.samples.failed");
        metrics.gauge("flotilla.telemetry.queue.size", queue, DropOldestQueue::size);
    }

    void onStart(@Observes StartupEvent event) {
        running = true;
        thread = Thread.ofPlatform().name("flotilla-telemetry-writer").daemon().start(this::run);
    }

    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        running = false;
        if (thread != null) {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        }
    }

    /** Queues a report's samples; never blocks. */
    public void offer(List<TelemetrySample> samples, String clusterId, Instant receivedAt) {
        heartbeatPending.put(clusterId, receivedAt);
        if (!config.store()) {
            return;
        }
        int lost = 0;
        for (TelemetrySample s : samples) {
            lost += queue.offer(s);
        }
        if (lost > 0) {
            dropped.increment(lost);
        }
    }

    private void run() {
        var batch = new ArrayList<TelemetrySample>(config.batchSize());
        while (running || queue.size() > 0) {
            try {
                batch.clear();
                queue.drain(batch, config.batchSize(), 200, TimeUnit.MILLISECONDS);
                if (!batch.isEmpty()) {
                    write(batch);
                }
                writeHeartbeats();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (SQLException | IOException | RuntimeException e) {
                failed.increment(batch.size());
                FAILED_WRITES.warn(e, "Writing %d telemetry samples failed; they are dropped", batch.size());
            }
        }
    }

    void write(List<TelemetrySample> batch) throws SQLException, IOException {
        try (Connection c = dataSource.getConnection()) {
            if (c.isWrapperFor(PGConnection.class)) {
                copy(c.unwrap(PGConnection.class), batch);
            } else {
                insert(c, batch);
            }
        }
        written.increment(batch.size());
    }

    private static void copy(PGConnection pg, List<TelemetrySample> batch) throws SQLException, IOException {
        pg.getCopyAPI().copyIn("COPY telemetry_sample (" + COLUMNS + ") FROM STDIN (FORMAT binary)",
                new ByteArrayInputStream(PgBinaryCopy.encode(batch)));
    }

    private static void insert(Connection c, List<TelemetrySample> batch) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO telemetry_sample (" + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (TelemetrySample s : batch) {
                ps.setString(1, s.clusterId());
                ps.setString(2, s.device());
                ps.setTimestamp(3, Timestamp.from(s.at()));
                setDouble(ps, 4, s.utilization());
                setLong(ps, 5, s.memoryUsedMib());
                setLong(ps, 6, s.memoryTotalMib());
                setDouble(ps, 7, s.temperatureCelsius());
                setDouble(ps, 8, s.powerWatts());
                setDouble(ps, 9, s.queueDepth());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** The heartbeat: clusters heard from since their time was last written, rate-limited per cluster. */
    private void writeHeartbeats() throws SQLException {
        if (heartbeatPending.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        Map<String, Instant> due = new HashMap<>();
        for (var e : heartbeatPending.entrySet()) {
            Instant last = heartbeatWritten.get(e.getKey());
            if (last == null || !now.isBefore(last.plus(config.heartbeatWriteInterval()))) {
                due.put(e.getKey(), e.getValue());
            }
        }
        if (due.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("UPDATE cluster SET last_telemetry_at = ? WHERE id = ?")) {
            for (var e : due.entrySet()) {
                ps.setTimestamp(1, Timestamp.from(e.getValue()));
                ps.setString(2, e.getKey());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        due.forEach((id, at) -> {
            heartbeatWritten.put(id, now);
            heartbeatPending.remove(id, at);
        });
    }

    private static void setDouble(PreparedStatement ps, int i, Double v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.DOUBLE);
        } else {
            ps.setDouble(i, v);
        }
    }

    private static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.BIGINT);
        } else {
            ps.setLong(i, v);
        }
    }
}
