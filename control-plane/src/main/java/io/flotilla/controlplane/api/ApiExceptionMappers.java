package io.flotilla.controlplane.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.flotilla.controlplane.fleet.FleetException;
import io.flotilla.controlplane.policy.InvalidPolicySetException;
import io.flotilla.policy.PolicyError;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Maps failures to JSON bodies that say what is wrong. */
public class ApiExceptionMappers {

    @ServerExceptionMapper
    public Response fleet(FleetException e) {
        int status = switch (e.kind()) {
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case INVALID -> 400;
        };
        return json(status, ApiError.of(status, e.getMessage()));
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
        return json(400, ApiError.of(400, "body is not valid JSON" + location(e)));
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
