package io.flotilla.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * The control plane's outbox ({@code desired_outbox}), read straight from its H2 file database while the control
 * plane is not running (H2 lets one process open the file; the control plane is not started with AUTO_SERVER). The
 * API does not show the outbox, and reading the file after the process is gone is the plainest proof of what a
 * restart will find there.
 */
final class OutboxTable {

    /** One cluster's row: its newest generation, and when (if ever) the broker acknowledged its publication. */
    record Row(long generation, Instant publishedAt) {

        boolean published() {
            return publishedAt != null;
        }
    }

    private OutboxTable() {
    }

    /** Every row, by cluster id. {@code dataDir}: the stopped control plane's data folder. */
    static Map<String, Row> read(Path dataDir) throws IOException, SQLException {
        String password = Files.readString(dataDir.resolve("db-password")).strip();
        // the control plane's own URL settings, so that the file is read as it writes it
        String url = "jdbc:h2:file:" + dataDir.resolve("db/flotilla").toAbsolutePath()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE";
        Map<String, Row> rows = new TreeMap<>();
        try (Connection db = DriverManager.getConnection(url, "flotilla", password);
                Statement query = db.createStatement();
                ResultSet r = query.executeQuery("SELECT cluster_id, generation, published_at FROM desired_outbox")) {
            while (r.next()) {
                java.sql.Timestamp published = r.getTimestamp("published_at");
                rows.put(r.getString("cluster_id"), new Row(r.getLong("generation"),
                        published == null ? null : published.toInstant()));
            }
        }
        return rows;
    }
}
