package io.flotilla.controlplane.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.flotilla.controlplane.auth.Principal;
import io.flotilla.controlplane.identity.EnrollmentRefusedException;
import io.flotilla.controlplane.policy.InvalidPolicySetException;
import io.flotilla.controlplane.support.FleetException;
import io.flotilla.policy.PolicyError;
import io.flotilla.policy.TerminalText;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Maps failures to JSON bodies that say what is wrong. */
public class ApiExceptionMappers {

    /** How Jackson reports a repeated key (refused by {@link StrictJson}). */
    private static final Logger LOG = Logger.getLogger(ApiExceptionMappers.class);
    private static final int DATABASE_RETRY_AFTER_SECONDS = 5;
    private static final long OUTAGE_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final AtomicLong LAST_OUTAGE_LOGGED = new AtomicLong(System.nanoTime() - OUTAGE_LOG_INTERVAL_NANOS - 1);
    private static final Pattern DUPLICATE_FIELD = Pattern.compile("Duplicate field '(.*)'", Pattern.DOTALL);

    @Inject
    SecurityIdentity identity;

    /** No token, or one that is unknown, revoked or not a bearer token. */
    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
    public Response unauthenticated(RuntimeException e) {
        return Response.fromResponse(json(401, ApiError.of(401, "a valid API token is required (Authorization: Bearer TOKEN); "
                + "the first admin token is in the control plane's data directory, file admin-token")))
                .header("WWW-Authenticate", "Bearer realm=\"flotilla\"").build();
    }

    /** A token whose role is below what the matched endpoint declares, or an endpoint that declares no role. */
    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, ResourceInfo resource, HttpServerRequest request) {
        Optional<String> needs = resource == null ? Optional.empty() : declaredRoles(resource);
        String who = Principal.of(identity).map(p -> "token '" + p.name() + "' has role " + p.role().wire()).orElse("the caller");
        String message = needs.map(roles -> who + "; " + request.method().name() + " " + request.path() + " needs " + roles)
                .orElse(request.method().name() + " " + request.path() + " declares no role, so nobody may call it");
        return json(403, ApiError.of(403, message));
    }

    private static Optional<String> declaredRoles(ResourceInfo resource) {
        RolesAllowed declared = resource.getResourceMethod() == null ? null
                : resource.getResourceMethod().getAnnotation(RolesAllowed.class);
        if (declared == null && resource.getResourceClass() != null) {
            declared = resource.getResourceClass().getAnnotation(RolesAllowed.class);
        }
        return Optional.ofNullable(declared).map(r -> String.join(" or ", r.value()));
    }

    @ServerExceptionMapper
    public Response fleet(FleetException e) {
        int status = switch (e.kind()) {
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case INVALID -> 400;
        };
        return json(status, ApiError.of(status, e.getMessage()));
    }

    /** A bootstrap token that cannot be exchanged: the agent is not (or no longer) entitled to enroll. */
    @ServerExceptionMapper
    public Response enrollmentRefused(EnrollmentRefusedException e) {
        return json(401, ApiError.of(401, e.getMessage()));
    }

    /** Every error of the set, each as {@code file:line:column: path: message}. */
    @ServerExceptionMapper
    public Response invalidPolicies(InvalidPolicySetException e) {
        return json(400, new ApiError(400, e.getMessage(), e.errors().stream().map(PolicyError::format).toList()));
    }

    @ServerExceptionMapper
    public Response invalid(ConstraintViolationException e) {
        List<String> details = e.getConstraintViolations().stream()
                .map(ApiExceptionMappers::describe)
                .sorted()
                .toList();
        return json(400, new ApiError(400, "request is invalid", details));
    }

    @ServerExceptionMapper
    public Response malformed(JsonProcessingException e) {
        Matcher duplicate = DUPLICATE_FIELD.matcher(String.valueOf(e.getOriginalMessage()));
        String what = duplicate.matches() ? "body repeats field '" + duplicate.group(1) + "'" : "body is not valid JSON";
        return json(400, ApiError.of(400, what + location(e)));
    }

    /** Declared for the subtype too, or Quarkus REST's own mapper answers with an empty body. */
    @ServerExceptionMapper
    public Response mismatched(MismatchedInputException e) {
        String field = e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .reduce((a, b) -> b.startsWith("[") ? a + b : a + "." + b)
                .orElse("");
        String what = e instanceof UnrecognizedPropertyException u
                ? "unknown field '" + field + "'; known fields: " + u.getKnownPropertyIds()
                : field.isEmpty() ? "body has the wrong shape" : "field '" + field + "' has the wrong type";
        return json(400, ApiError.of(400, what + location(e)));
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null ? ""
                : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
    }

    /** Quarkus REST reports unreadable JSON bodies as a bare 400; give them a body that says why. */
    @ServerExceptionMapper
    public Response unreadable(WebApplicationException e) {
        Throwable cause = e.getCause();
        if (cause instanceof MismatchedInputException mismatch) {
            return mismatched(mismatch);
        }
        if (cause instanceof JsonProcessingException json) {
            return malformed(json);
        }
        Response original = e.getResponse();
        int status = original == null ? 500 : original.getStatus();
        String message = original == null || original.getStatusInfo() == null ? e.getMessage()
                : original.getStatusInfo().getReasonPhrase();
        return json(status, ApiError.of(status, message));
    }

    /**
     * What no other mapper took. A database that cannot be reached answers 503 with {@code Retry-After}: the request
     * was not carried out and may be sent again. Anything else is a 500 whose body names an id to find the logged
     * stack trace by, never the trace itself.
     */
    @ServerExceptionMapper
    public Response unexpected(RuntimeException e, HttpServerRequest request) {
        Optional<java.sql.SQLException> unreachable = DatabaseUnavailable.in(e);
        if (unreachable.isPresent()) {
            long now = System.nanoTime();
            long last = LAST_OUTAGE_LOGGED.get();
            // once per interval at most: an outage under load would otherwise log every request
            Logger.Level level = now - last > OUTAGE_LOG_INTERVAL_NANOS && LAST_OUTAGE_LOGGED.compareAndSet(last, now)
                    ? Logger.Level.WARN : Logger.Level.DEBUG;
            LOG.logf(level, "%s %s answered 503: the database is unavailable (SQLState %s: %s)", request.method(),
                    TerminalText.escape(request.path()), unreachable.get().getSQLState(), unreachable.get().getMessage());
            return Response.status(503).type(MediaType.APPLICATION_JSON_TYPE).header("Retry-After", DATABASE_RETRY_AFTER_SECONDS)
                    .entity(new ApiError(503, "the database is unavailable; nothing was changed, try again later",
                            List.of(String.valueOf(unreachable.get().getMessage()))))
                    .build();
        }
        String id = UUID.randomUUID().toString();
        LOG.errorf(e, "%s %s failed (error id %s)", request.method(), TerminalText.escape(request.path()), id);
        return json(500, ApiError.of(500, "internal error " + id + ": the control plane's log has the details"));
    }

    private static String describe(ConstraintViolation<?> v) {
        String path = v.getPropertyPath().toString();
        // drop the method and parameter names Bean Validation prefixes to the path
        String field = path.replaceFirst("^[^.]+\\.[^.]+\\.?", "");
        return field.isEmpty() ? v.getMessage() : field + ": " + v.getMessage();
    }

    private static Response json(int status, ApiError body) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body).build();
    }
}
