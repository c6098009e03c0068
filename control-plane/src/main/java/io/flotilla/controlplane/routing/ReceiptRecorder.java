package io.flotilla.controlplane.routing;

import io.agroal.api.AgroalDataSource;
import io.flotilla.controlplane.support.DropOldestQueue;
import io.flotilla.controlplane.support.RateLimitedLog;
import io.flotilla.proto.receipt.ReceiptClaims;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Records routing receipts for the routing audit, off the request path: the router only queues them (bounded; when
 * full the oldest is dropped and counted in {@code flotilla.router.receipts.dropped}), and a thread of its own writes
 * them in JDBC batches. A write that fails (the database is down) drops its batch and counts it in
 * {@code flotilla.router.receipts.failed}: recording never slows down or fails a routed request.
 */
@ApplicationScoped
public class ReceiptRecorder {

    private static final Logger LOG = Logger.getLogger(ReceiptRecorder.class);
    private static final RateLimitedLog FAILED_WRITES = new RateLimitedLog(LOG, Duration.ofSeconds(10));
    private static final String INSERT = "INSERT INTO routing_receipt (request_id, issued_at, tenant, model, policy_name,"
            + " policy_revision, cluster_id, cluster_jurisdiction, allowed_jurisdictions, body_sha256, receipt)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    /** A receipt waiting to be written. */
    private record Pending(ReceiptClaims claims, String receipt) {
    }

    private final AgroalDataSource dataSource;
    private final int batchSize;
    private final DropOldestQueue<Pending> queue;
    private final Counter recorded;
    private final Counter dropped;
    private final Counter failed;
    private volatile boolean running;
    private Thread thread;

    ReceiptRecorder(AgroalDataSource dataSource, RouterConfig config, MeterRegistry metrics) {
        this.dataSource = dataSource;
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

    /** Queues a receipt to be recorded; never blocks. */
    void offer(ReceiptClaims claims, String receipt) {
        if (queue.offer(new Pending(claims, receipt)) > 0) {
            dropped.increment();
        }
    }

    /** Receipts queued and not yet written: the audit waits for them in tests. */
    public int pending() {
        return queue.size();
    }

    private void run() {
        var batch = new ArrayList<Pending>(batchSize);
        while (running || queue.size() > 0) {
            try {
                batch.clear();
                queue.drain(batch, batchSize, 200, TimeUnit.MILLISECONDS);
                if (!batch.isEmpty()) {
                    write(batch);
                    recorded.increment(batch.size());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (SQLException | RuntimeException e) {
                failed.increment(batch.size());
                FAILED_WRITES.warn(e, "Recording %d routing receipts failed; they are dropped", batch.size());
            }
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
