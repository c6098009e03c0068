package io.flotilla.controlplane.audit;

import io.flotilla.controlplane.auth.Principal;
import io.quarkus.runtime.BlockingOperationControl;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Records every mutating API call (POST, PUT, PATCH, DELETE under /api) when it is answered, whatever the answer:
 * who (the token's id, name and role, or "anonymous"), what (method, path, the target and revision that the
 * resource named through {@link AuditDetails}) and the status. Refused calls are recorded too.
 */
public class AuditFilter {

    private static final Logger LOG = Logger.getLogger(AuditFilter.class);
    private static final Set<String> MUTATING = Set.of("POST", "PUT", "PATCH", "DELETE");
    private static final String API_PREFIX = "/api/v1/";

    private final AuditLog log;
    private final AuditDetails details;
    private final SecurityIdentity identity;
    private final Clock clock;

    AuditFilter(AuditLog log, AuditDetails details, SecurityIdentity identity, Clock clock) {
        this.log = log;
        this.details = details;
        this.identity = identity;
        this.clock = clock;
    }

    @ServerResponseFilter
    public void record(ContainerRequestContext request, ContainerResponseContext response) {
        String method = request.getMethod();
        String path = request.getUriInfo().getPath();
        if (!MUTATING.contains(method) || !path.startsWith("/api/")) {
            return;
        }
        AuditRecord r = new AuditRecord();
        r.at = clock.instant();
        caller().ifPresentOrElse(p -> {
            r.actorTokenId = p.tokenId();
            r.actorName = p.name();
            r.actorRole = p.role().wire();
        }, () -> r.actorName = "anonymous");
        r.method = method;
        r.path = truncate(path, 2048);
        r.target = truncate(details.target() != null ? details.target()
                : path.startsWith(API_PREFIX) ? path.substring(API_PREFIX.length()) : path, 1024);
        r.revision = truncate(details.revision(), 1024);
        r.status = response.getStatus();
        if (BlockingOperationControl.isBlockingAllowed()) {
            append(r);
        } else {
            // refused on the event loop (before the endpoint's worker thread): write from a worker
            Infrastructure.getDefaultWorkerPool().execute(() -> append(r));
        }
    }

    private void append(AuditRecord r) {
        try {
            log.append(r);
        } catch (RuntimeException e) {
            if (r.status == 503) {
                // refused because the database is unavailable, which is why it cannot be recorded either: nothing changed
                LOG.warnf("Could not write the audit record of %s %s by %s (status 503): %s", r.method, r.path, r.actorName,
                        e.getMessage());
            } else {
                LOG.errorf(e, "Could not write the audit record of %s %s by %s (status %d)", r.method, r.path, r.actorName, r.status);
            }
        }
    }

    /** The authenticated caller, if any: a call refused for a bad token has none. */
    private Optional<Principal> caller() {
        try {
            return identity.isAnonymous() ? Optional.empty() : Principal.of(identity);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
