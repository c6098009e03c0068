package io.flotilla.controlplane.routing;

import io.agroal.api.AgroalDataSource;
import io.flotilla.controlplane.leader.Leadership;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import org.jboss.logging.Logger;

/**
 * Deletes recorded routing receipts and the audit's request counts past {@code flotilla.router.receipts.retention},
 * hourly, on the leader.
 */
@ApplicationScoped
public class ReceiptRetention {

    private static final Logger LOG = Logger.getLogger(ReceiptRetention.class);

    private final AgroalDataSource dataSource;
    private final RouterConfig config;
    private final Leadership leadership;
    private final Clock clock;

    ReceiptRetention(AgroalDataSource dataSource, RouterConfig config, Leadership leadership, Clock clock) {
        this.dataSource = dataSource;
        this.config = config;
        this.leadership = leadership;
        this.clock = clock;
    }

    @Scheduled(every = "1h", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void run() {
        if (!leadership.isLeader()) {
            return;
        }
        Timestamp expired = Timestamp.from(clock.instant().minus(config.receipts().retention()));
        try (Connection c = dataSource.getConnection();
                PreparedStatement receipts = c.prepareStatement("DELETE FROM routing_receipt WHERE issued_at < ?");
                PreparedStatement counts = c.prepareStatement("DELETE FROM routing_audit_count WHERE minute_start < ?")) {
            receipts.setTimestamp(1, expired);
            receipts.executeUpdate();
            counts.setTimestamp(1, expired);
            counts.executeUpdate();
        } catch (SQLException e) {
            LOG.warn("Deleting expired routing receipts failed; retrying in an hour", e);
        }
    }
}
