package io.flotilla.controlplane.auth;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;

/**
 * The one request filter that enforces access for every HTTP route (REST, metrics, static files):
 * {@link AccessRules} says which role a path and method need, the bearer token says who asks. Runs
 * before routing, on the event loop, with a map lookup only (see {@link TokenService}).
 * 401 without a valid token, 403 with one whose role is too low; both with the API's error body.
 */
@ApplicationScoped
class AuthFilter {

    /** Before Quarkus REST and the static resource handler. */
    private static final int PRIORITY = 100;

    private final TokenService tokens;
    private final AuthConfig config;

    AuthFilter(TokenService tokens, AuthConfig config) {
        this.tokens = tokens;
        this.config = config;
    }

    void register(@Observes Filters filters) {
        filters.register(this::filter, PRIORITY);
    }

    void filter(RoutingContext rc) {
        if (!config.enabled()) {
            rc.put(Principal.CONTEXT_KEY, Principal.ANONYMOUS_ADMIN);
            rc.next();
            return;
        }
        String method = rc.request().method().name();
        Optional<Role> required = AccessRules.required(method, rc.normalizedPath());
        Optional<Principal> who = tokens.authenticate(bearer(rc.request().getHeader(HttpHeaders.AUTHORIZATION)));
        who.ifPresent(p -> rc.put(Principal.CONTEXT_KEY, p));
        if (required.isEmpty()) {
            rc.next();
            return;
        }
        if (who.isEmpty()) {
            rc.response().putHeader("WWW-Authenticate", "Bearer realm=\"flotilla\"");
            deny(rc, 401, "a valid API token is required (Authorization: Bearer TOKEN); the first admin token is in "
                    + "the control plane's data directory, file admin-token");
            return;
        }
        if (!who.get().role().includes(required.get())) {
            deny(rc, 403, "token '" + who.get().name() + "' has role " + who.get().role().wire() + "; "
                    + method + " " + rc.normalizedPath() + " needs " + required.get().wire());
            return;
        }
        rc.next();
    }

    static String bearer(String header) {
        if (header == null) {
            return null;
        }
        String h = header.trim();
        return h.regionMatches(true, 0, "Bearer ", 0, 7) ? h.substring(7).trim() : null;
    }

    private static void deny(RoutingContext rc, int status, String message) {
        rc.response().setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(new JsonObject().put("status", status).put("error", message).put("details", new JsonArray()).encode());
    }
}
