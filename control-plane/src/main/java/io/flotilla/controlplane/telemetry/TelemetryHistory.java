package io.flotilla.controlplane.telemetry;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A cluster's recent telemetry from the one-minute roll-ups: the node's CPU and memory and each GPU's
 * utilisation, memory and temperature, one point per minute that has data. The newest complete minute
 * appears once the leader's maintenance has rolled it up (every {@code flotilla.telemetry.maintenance-interval}).
 */
@ApplicationScoped
public class TelemetryHistory {

    /** One minute of one device; a field is null when that device did not report it. */
    public record Point(Instant minute, int samples, Double utilizationPercent, Double memoryUsedMib,
            Long memoryTotalMib, Double temperatureCelsius) {
    }

    /** @param node the node's points (utilisation is CPU use); {@code gpus} by GPU index */
    public record History(Instant from, Instant to, List<Point> node, Map<Integer, List<Point>> gpus) {
    }

    private final AgroalDataSource dataSource;
    private final Clock clock;

    TelemetryHistory(AgroalDataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    /** The last {@code minutes} whole minutes before now, plus the current one (empty until rolled up). */
    public History lastMinutes(String clusterId, int minutes) throws SQLException {
        Instant to = clock.instant().truncatedTo(ChronoUnit.MINUTES).plus(1, ChronoUnit.MINUTES);
        return between(clusterId, to.minus(minutes, ChronoUnit.MINUTES), to);
    }

    public History between(String clusterId, Instant from, Instant to) throws SQLException {
        var node = new ArrayList<Point>();
        var gpus = new TreeMap<Integer, List<Point>>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("""
                        SELECT device, minute_start, samples, avg_utilization, avg_memory_used_mib, max_memory_total_mib,
                            max_temperature
                        FROM telemetry_rollup WHERE cluster_id = ? AND minute_start >= ? AND minute_start < ?
                        ORDER BY device, minute_start""")) {
            ps.setString(1, clusterId);
            ps.setTimestamp(2, Timestamp.from(from));
            ps.setTimestamp(3, Timestamp.from(to));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String device = rs.getString(1);
                    Point p = new Point(rs.getTimestamp(2).toInstant(), rs.getInt(3), nullable(rs, 4), nullable(rs, 5),
                            rs.getObject(6) == null ? null : rs.getLong(6), nullable(rs, 7));
                    if (device.equals("node")) {
                        node.add(p);
                    } else if (device.startsWith("gpu")) {
                        gpus.computeIfAbsent(Integer.valueOf(device.substring(3)), i -> new ArrayList<>()).add(p);
                    }
                }
            }
        }
        return new History(from, to, node, gpus);
    }

    private static Double nullable(ResultSet rs, int column) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? null : v;
    }
}
