package io.flotilla.bench.soak;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The control plane's PostgreSQL database, read for what it has committed: each cluster's desired generation (the
 * newest it wants there, published or not) and applied generation (the newest it heard the agent applied). One
 * query of the {@code cluster} table, cheap enough to run every few seconds, where the API's cluster list would cost
 * the control plane two queries a cluster. Thread-safe.
 */
final class ControlPlaneDatabase implements AutoCloseable {

    /** One cluster as the control plane has it. */
    record ClusterState(String id, long desiredGeneration, long appliedGeneration) {

        boolean acknowledged() {
            return appliedGeneration == desiredGeneration;
        }
    }

    private final String url;
    private final String user;
    private final String password;
    private Connection connection;

    ControlPlaneDatabase(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    synchronized List<ClusterState> clusters() throws SQLException {
        if (connection == null || !connection.isValid(5)) {
            close();
            connection = DriverManager.getConnection(url, user, password);
            connection.setReadOnly(true);
        }
        try (Statement s = connection.createStatement();
                ResultSet r = s.executeQuery("SELECT id, desired_generation, applied_generation FROM cluster")) {
            List<ClusterState> clusters = new ArrayList<>();
            while (r.next()) {
                clusters.add(new ClusterState(r.getString(1), r.getLong(2), r.getLong(3)));
            }
            return clusters;
        }
    }

    @Override
    public synchronized void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // going anyway
            }
            connection = null;
        }
    }
}
