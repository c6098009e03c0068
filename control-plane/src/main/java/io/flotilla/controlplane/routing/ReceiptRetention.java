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

/** Deletes recorded routing receipts past {@code flotilla.router.receipts.retention}, hourly, on the leader. */
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
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("DELETE FROM routing_receipt WHERE issued_at < ?")) {
            ps.setTimestamp(1, Timestamp.from(clock.instant().minus(config.receipts().retention())));
            ps.executeUpdate();
        } catch (SQLException e) {
            LOG.warn("Deleting expired routing receipts failed; retrying in an hour", e);
        }
    }
}
