package io.flotilla.controlplane.routing;

import io.agroal.api.AgroalDataSource;
import io.flotilla.controlplane.support.DropOldestQueue;
import io.flotilla.controlplane.support.RateLimitedLog;
import io.flotilla.proto.receipt.ReceiptClaims;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Records the routing audit, off the request path. Every answered request is counted ({@link AuditCounts}); a thread of
 * its own adds the counts to {@code routing_audit_count} about once a second, keeping them for the next try when the
 * database is down, so the audit's counts are complete. The receipts chosen by {@code flotilla.router.receipts.record}
 * are queued (bounded; when full the oldest is dropped and counted in {@code flotilla.router.receipts.dropped}) and
 * written by the same thread in JDBC batches to {@code routing_receipt}; a batch that fails is dropped and counted in
 * {@code flotilla.router.receipts.failed}. Recording never slows down or fails a routed request.
 */
@Singleton
public class ReceiptRecorder {

    private static final Logger LOG = Logger.getLogger(ReceiptRecorder.class);
    private static final RateLimitedLog FAILED_WRITES = new RateLimitedLog(LOG, Duration.ofSeconds(10));
    private static final String INSERT = "INSERT INTO routing_receipt (request_id, issued_at, tenant, model, policy_name,"
            + " policy_revision, cluster_id, cluster_jurisdiction, allowed_jurisdictions, body_sha256, receipt)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String ADD_COUNT = "UPDATE routing_audit_count SET requests = requests + ? WHERE minute_start = ?"
            + " AND allowed_jurisdictions = ? AND cluster_id = ? AND cluster_jurisdiction = ?";
    private static final String INSERT_COUNT = "INSERT INTO routing_audit_count (minute_start, allowed_jurisdictions,"
            + " cluster_id, cluster_jurisdiction, requests) VALUES (?, ?, ?, ?, ?)";
    private static final long COUNT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    /**
     * After a batch that was not full, the writer waits this long before the next one, so that receipts arriving
     * steadily are written a few hundred to a commit rather than one or two: each commit costs the database far more
     * than a row.
     */
    private static final long BATCH_PAUSE_MILLIS = 100;

    /** A receipt waiting to be written. */
    private record Pending(ReceiptClaims claims, String receipt) {
    }

    private final AgroalDataSource dataSource;
    private final int batchSize;
    private final DropOldestQueue<Pending> queue;
    private final AuditCounts counts = new AuditCounts();
    private final Clock clock;
    private final Counter recorded;
    private final Counter dropped;
    private final Counter failed;
    private volatile boolean running;
    private Thread thread;

    ReceiptRecorder(AgroalDataSource dataSource, RouterConfig config, MeterRegistry metrics, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.batchSize = config.receipts().batchSize();
        this.queue = new DropOldestQueue<>(config.receipts().queueCapacity());
        this.recorded = metrics.counter("flotilla.router.receipts.recorded");
        this.dropped = metrics.counter("flotilla.router.receipts.dropped");
        this.failed = metrics.counter("flotilla.router.receipts.failed");
        metrics.gauge("flotilla.router.receipts.queue.size", queue, DropOldestQueue::size);
    }

    void onStart(@Observes StartupEvent event) {
        running = true;
        thread = Thread.ofPlatform().name("flotilla-receipt-recorder").daemon().start(this::run);
    }

    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        running = false;
        if (thread != null) {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        }
    }

    /** Counts an answered request for the audit; never blocks. */
    void count(ReceiptClaims claims) {
        counts.count(claims);
    }

    /** Queues a receipt to be recorded; never blocks. */
    void offer(ReceiptClaims claims, String receipt) {
        if (queue.offer(new Pending(claims, receipt)) > 0) {
            dropped.increment();
        }
    }

    /** Receipts queued and requests counted, not yet written. */
    public long pending() {
        return queue.size() + counts.pending();
    }

    private void run() {
        var batch = new ArrayList<Pending>(batchSize);
        long countsWritten = System.nanoTime();
        while (running || queue.size() > 0) {
            try {
                batch.clear();
                queue.drain(batch, batchSize, 200, TimeUnit.MILLISECONDS);
                if (!batch.isEmpty()) {
                    write(batch);
                    recorded.increment(batch.size());
                    if (batch.size() < batchSize && running) {
                        Thread.sleep(BATCH_PAUSE_MILLIS);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (SQLException | RuntimeException e) {
                failed.increment(batch.size());
                FAILED_WRITES.warn(e, "Recording %d routing receipts failed; they are dropped", batch.size());
            }
            if (System.nanoTime() - countsWritten >= COUNT_INTERVAL_NANOS) {
                writeCounts();
                countsWritten = System.nanoTime();
            }
        }
        writeCounts();
    }

    /** Adds the requests counted since the last call to their minute's rows; kept for the next call if that fails. */
    private void writeCounts() {
        Map<AuditCounts.Group, Long> taken = counts.take();
        if (taken.isEmpty()) {
            return;
        }
        Timestamp minute = Timestamp.from(clock.instant().truncatedTo(ChronoUnit.MINUTES));
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false); // all the groups or none: a retry must not add a group twice
            try (PreparedStatement add = c.prepareStatement(ADD_COUNT);
                    PreparedStatement insert = c.prepareStatement(INSERT_COUNT)) {
                for (var e : taken.entrySet()) {
                    AuditCounts.Group g = e.getKey();
                    add.setLong(1, e.getValue());
                    add.setTimestamp(2, minute);
                    add.setString(3, g.allowed());
                    add.setString(4, g.cluster());
                    add.setString(5, g.jurisdiction());
                    if (add.executeUpdate() == 0) {
                        insert.setTimestamp(1, minute);
                        insert.setString(2, g.allowed());
                        insert.setString(3, g.cluster());
                        insert.setString(4, g.jurisdiction());
                        insert.setLong(5, e.getValue());
                        insert.executeUpdate();
                    }
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException | RuntimeException e) {
            counts.restore(taken);
            FAILED_WRITES.warn(e, "Counting routed requests for the audit failed; the counts are kept for the next try");
        }
    }

    private void write(List<Pending> batch) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(INSERT)) {
            for (Pending p : batch) {
                ReceiptClaims r = p.claims();
                ps.setString(1, r.requestId());
                ps.setTimestamp(2, Timestamp.from(Instant.ofEpochMilli(r.issuedAtMillis())));
                ps.setString(3, r.tenant());
                ps.setString(4, r.model());
                ps.setString(5, r.policy());
                ps.setLong(6, r.policyRevision());
                ps.setString(7, r.cluster());
                ps.setString(8, r.clusterJurisdiction());
                ps.setString(9, String.join(",", r.allowed()));
                ps.setString(10, r.bodySha256());
                ps.setString(11, p.receipt());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
