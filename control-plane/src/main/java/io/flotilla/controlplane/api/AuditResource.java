package io.flotilla.controlplane.api;

import io.flotilla.controlplane.audit.AuditLog;
import io.flotilla.controlplane.audit.AuditRecord;
import io.flotilla.controlplane.auth.Roles;
import io.flotilla.controlplane.support.FleetException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The audit log, read-only: who changed what, when, and how it was answered (admin). */
@Path("/api/v1/audit")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
@Tag(name = "access")
public class AuditResource {

    private final AuditLog log;

    AuditResource(AuditLog log) {
        this.log = log;
    }

    /**
     * @param actor the token's name ("anonymous" for calls without a valid token)
     * @param revision the revisions or generation the call produced, where it produced any
     */
    public record AuditView(long id, Instant at, String actor, String actorRole, String actorTokenId, String method,
            String path, String target, String revision, int status) {
        static AuditView of(AuditRecord r) {
            return new AuditView(r.id, r.at, r.actorName, r.actorRole, r.actorTokenId, r.method, r.path, r.target, r.revision,
                    r.status);
        }
    }

    /** @param continueToken pass as {@code continue} for the next (older) page; null on the last page */
    public record AuditPage(List<AuditView> items, String continueToken) {
    }

    @GET
    @Operation(summary = "Mutating API calls, newest first, paged; filter by time (from/to, ISO-8601), actor (token name) "
            + "and target (text it contains)")
    public AuditPage list(@QueryParam("from") String from, @QueryParam("to") String to, @QueryParam("actor") String actor,
            @QueryParam("target") String target, @QueryParam("limit") @DefaultValue("100") int limit,
            @QueryParam("continue") String continueToken) {
        if (limit < 1 || limit > AuditLog.MAX_PAGE) {
            throw new FleetException(FleetException.Kind.INVALID, "limit must be within 1.." + AuditLog.MAX_PAGE + ", got " + limit);
        }
        AuditLog.Page page = log.page(new AuditLog.Query(instant("from", from), instant("to", to), text(actor), text(target),
                continueFrom(continueToken), limit));
        return new AuditPage(page.records().stream().map(AuditView::of).toList(), page.next().map(String::valueOf).orElse(null));
    }

    private static Optional<String> text(String value) {
        return Optional.ofNullable(value).map(String::strip).filter(v -> !v.isEmpty());
    }

    /** An optional ISO-8601 instant parameter; 400 naming {@code name} when it is not one. */
    static Optional<Instant> instant(String name, String value) {
        return text(value).map(v -> {
            try {
                return Instant.parse(v);
            } catch (DateTimeParseException e) {
                throw new FleetException(FleetException.Kind.INVALID, name + " must be an ISO-8601 instant such as "
                        + "2026-01-31T12:00:00Z, got '" + v + "'");
            }
        });
    }

    private static Optional<Long> continueFrom(String token) {
        return text(token).map(v -> {
            try {
                return Long.parseLong(v);
            } catch (NumberFormatException e) {
                throw new FleetException(FleetException.Kind.INVALID, "continue must be the continueToken of a previous page, got '"
                        + v + "'");
            }
        });
    }
}
