package io.flotilla.controlplane.leader;

import io.flotilla.controlplane.support.RateLimitedLog;
import io.quarkus.arc.properties.IfBuildProperty;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Leader election between replicas sharing one PostgreSQL: the leader holds a session-level advisory lock on
 * a dedicated connection (outside the pool, so no pool eviction can drop it). A replica that dies loses its
 * session and with it the lock; the others try to take it every {@code flotilla.leader.check-interval}. The
 * leader checks its connection at the same interval and steps down when it is gone.
 */
@ApplicationScoped
@IfBuildProperty(name = "quarkus.datasource.db-kind", stringValue = "postgresql")
public class AdvisoryLockLeadership implements Leadership {

    private static final Logger LOG = Logger.getLogger(AdvisoryLockLeadership.class);
    private static final RateLimitedLog UNREACHABLE = new RateLimitedLog(LOG, Duration.ofSeconds(10));

    private final String url;
    private final String username;
    private final String password;
    private final long lockKey;
    private final Event<LeadershipAcquired> acquired;
    private Connection connection;
    private volatile boolean leader;

    AdvisoryLockLeadership(@ConfigProperty(name = "quarkus.datasource.jdbc.url") String url,
            @ConfigProperty(name = "quarkus.datasource.username") String username,
            @ConfigProperty(name = "quarkus.datasource.password") String password,
            @ConfigProperty(name = "flotilla.leader.lock-key") long lockKey, Event<LeadershipAcquired> acquired) {
        this.url = url;
        this.username = username;
        this.password = password;
        this.lockKey = lockKey;
        this.acquired = acquired;
    }

    @Override
    public boolean isLeader() {
        return leader;
    }

    void onStop(@Observes ShutdownEvent event) {
        synchronized (this) {
            leader = false;
            close();
        }
    }

    @Scheduled(every = "${flotilla.leader.check-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void check() {
        boolean became = false;
        synchronized (this) {
            try {
                if (leader) {
                    if (!connection.isValid(2)) {
                        LOG.warn("Lost the database session that holds the leader lock: stepping down");
                        leader = false;
                        close();
                    }
                    return;
                }
                if (connection == null || !connection.isValid(2)) {
                    close();
                    connection = DriverManager.getConnection(url, username, password);
                }
                try (PreparedStatement ps = connection.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
                    ps.setLong(1, lockKey);
                    try (ResultSet rs = ps.executeQuery()) {
                        became = rs.next() && rs.getBoolean(1);
                    }
                }
                leader = became;
            } catch (SQLException e) {
                UNREACHABLE.warn(null, "Leader election could not reach the database: %s", e.getMessage());
                leader = false;
                close();
            }
        }
        if (became) {
            LOG.info("This replica is now the leader: placement, dispatch, rollouts and telemetry maintenance run here");
            acquired.fire(new LeadershipAcquired());
        }
    }

    private void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debug("Closing the leader-lock connection failed", e);
            }
            connection = null;
        }
    }
}
