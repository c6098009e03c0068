package io.flotilla.controlplane.api;

import io.flotilla.controlplane.auth.Roles;
import io.flotilla.controlplane.routing.RoutingAudit;
import io.flotilla.controlplane.support.FleetException;
import io.flotilla.policy.AllowedJurisdictions;
import io.flotilla.policy.JurisdictionCatalog;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The routing audit: where the recorded requests bound to a jurisdiction were served (viewer). */
@Path("/api/v1/routing/audit")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.VIEWER)
@Tag(name = "routing")
public class RoutingAuditResource {

    /** Without {@code from}, the audit covers this long before {@code to}. */
    static final Duration DEFAULT_SPAN = Duration.ofHours(24);

    private final RoutingAudit audit;
    private final JurisdictionCatalog catalog;
    private final Clock clock;

    RoutingAuditResource(RoutingAudit audit, JurisdictionCatalog catalog, Clock clock) {
        this.audit = audit;
        this.catalog = catalog;
        this.clock = clock;
    }

    /**
     * @param jurisdiction the jurisdiction audited, as asked (EU, DE, ...)
     * @param requests routed requests whose allowed jurisdictions lie within it
     * @param outsideAllowed those served by a cluster outside the request's own allowed jurisdictions (computed)
     */
    public record AuditReport(String jurisdiction, Instant from, Instant to, long requests,
            List<RoutingAudit.ClusterCount> clusters, long outsideAllowed) {
    }

    @GET
    @Operation(summary = "Count the routed requests bound to a jurisdiction per serving cluster, and those "
            + "served outside their allowed jurisdictions",
            description = "jurisdiction: codes or groups, comma-separated (EU). from/to: ISO-8601 instants (default: the "
                    + "last 24 hours). Every routed request is counted, per minute: from counts from the start of its "
                    + "minute.")
    public AuditReport report(@QueryParam("jurisdiction") String jurisdiction, @QueryParam("from") String from,
            @QueryParam("to") String to) throws SQLException {
        var problems = new ArrayList<String>();
        List<String> codes = jurisdiction == null ? List.of()
                : Arrays.stream(jurisdiction.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        if (codes.isEmpty()) {
            problems.add("jurisdiction is required (codes or groups, e.g. EU)");
        }
        codes.forEach(c -> catalog.problem(c).ifPresent(p -> problems.add("jurisdiction: " + p)));
        if (!problems.isEmpty()) {
            throw new FleetException(FleetException.Kind.INVALID, String.join("; ", problems));
        }
        Instant end = AuditResource.instant("to", to).orElseGet(clock::instant);
        Instant start = AuditResource.instant("from", from).orElse(end.minus(DEFAULT_SPAN));
        if (!start.isBefore(end)) {
            throw new FleetException(FleetException.Kind.INVALID, "from must be before to");
        }
        AllowedJurisdictions within = catalog.allowed(codes);
        RoutingAudit.Report r = audit.report(within, start, end);
        return new AuditReport(String.join(",", codes), start, end, r.requests(), r.clusters(), r.outsideAllowed());
    }
}
