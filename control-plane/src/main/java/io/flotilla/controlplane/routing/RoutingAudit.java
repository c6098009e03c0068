package io.flotilla.controlplane.routing;

import io.agroal.api.AgroalDataSource;
import io.flotilla.policy.AllowedJurisdictions;
import io.flotilla.policy.JurisdictionCatalog;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The routing audit over every routed request (counted per minute, see {@link ReceiptRecorder}): for the requests bound
 * to a jurisdiction (their allowed jurisdictions lie
 * within it, so a request bound to DE counts for EU), how many each cluster served, and how many were served outside
 * the request's own allowed jurisdictions. That last count is computed from each receipt's claims, the way a customer
 * would from the receipts themselves; the router never sends a request outside them, so it should always be 0.
 */
@ApplicationScoped
public class RoutingAudit {

    private static final String GROUPS = "SELECT allowed_jurisdictions, cluster_id, cluster_jurisdiction, SUM(requests)"
            + " FROM routing_audit_count WHERE minute_start >= ? AND minute_start < ?"
            + " GROUP BY allowed_jurisdictions, cluster_id, cluster_jurisdiction";

    /** Requests one cluster served. */
    public record ClusterCount(String cluster, String jurisdiction, long requests) {
    }

    /**
     * @param requests the routed requests bound to the jurisdiction
     * @param outsideAllowed those of them served by a cluster outside the request's allowed jurisdictions
     */
    public record Report(long requests, List<ClusterCount> clusters, long outsideAllowed) {
    }

    private final AgroalDataSource dataSource;
    private final JurisdictionCatalog catalog;

    RoutingAudit(AgroalDataSource dataSource, JurisdictionCatalog catalog) {
        this.dataSource = dataSource;
        this.catalog = catalog;
    }

    /**
     * The report for requests bound to {@code within}, routed from {@code from} (inclusive) to {@code to}. Requests
     * are counted per minute: the minute {@code from} falls in counts whole, the one {@code to} falls in only when
     * {@code to} is past its start.
     */
    public Report report(AllowedJurisdictions within, Instant from, Instant to) throws SQLException {
        Map<String, ClusterCount> clusters = new TreeMap<>();
        long requests = 0;
        long outside = 0;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(GROUPS)) {
            ps.setTimestamp(1, Timestamp.from(from.truncatedTo(ChronoUnit.MINUTES)));
            ps.setTimestamp(2, Timestamp.from(to));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    AllowedJurisdictions allowed = allowed(rs.getString(1));
                    if (allowed == null || !allowed.within(within)) {
                        continue;
                    }
                    String cluster = rs.getString(2);
                    String jurisdiction = rs.getString(3).isEmpty() ? null : rs.getString(3);
                    long n = rs.getLong(4);
                    requests += n;
                    if (!allowed.allows(jurisdiction)) {
                        outside += n;
                    }
                    clusters.merge(cluster, new ClusterCount(cluster, jurisdiction, n),
                            (a, b) -> new ClusterCount(cluster, a.jurisdiction(), a.requests() + b.requests()));
                }
            }
        }
        return new Report(requests, List.copyOf(clusters.values()), outside);
    }

    /** A receipt's allowed jurisdictions as the catalog reads them now; null when it no longer knows one of them. */
    private AllowedJurisdictions allowed(String stored) {
        List<String> codes = Arrays.stream(stored.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        if (codes.isEmpty() || codes.stream().anyMatch(code -> catalog.problem(code).isPresent())) {
            return null;
        }
        return catalog.allowed(codes);
    }
}
