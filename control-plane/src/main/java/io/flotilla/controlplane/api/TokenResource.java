package io.flotilla.controlplane.api;

import io.flotilla.controlplane.audit.AuditDetails;
import io.flotilla.controlplane.auth.ApiToken;
import io.flotilla.controlplane.auth.AuthConfig;
import io.flotilla.controlplane.auth.Principal;
import io.flotilla.controlplane.auth.Role;
import io.flotilla.controlplane.auth.Roles;
import io.flotilla.controlplane.auth.TokenService;
import io.flotilla.controlplane.support.FleetException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Token management (admin) and "who am I" (any valid token). */
@RolesAllowed(Roles.ADMIN)
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "access")
public class TokenResource {

    private final TokenService tokens;
    private final AuthConfig config;
    private final SecurityIdentity identity;
    private final AuditDetails audit;

    TokenResource(TokenService tokens, AuthConfig config, SecurityIdentity identity, AuditDetails audit) {
        this.tokens = tokens;
        this.config = config;
        this.identity = identity;
        this.audit = audit;
    }

    public record CreateToken(@NotBlank(message = "name is required") @Size(max = 100, message = "name is at most 100 characters") String name,
            @NotBlank(message = "role is required (viewer, operator or admin)") String role) {
    }

    /**
     * @param lastUsedAt when it was last presented; written within {@code flotilla.auth.refresh} (15 s) of use
     * @param token only in the answer to create, never again
     */
    public record TokenView(String id, String name, String role, Instant createdAt, Instant revokedAt, Instant lastUsedAt,
            String token) {
        static TokenView of(ApiToken t, String token) {
            return new TokenView(t.id, t.name, t.role.wire(), t.createdAt, t.revokedAt, t.lastUsedAt, token);
        }
    }

    public record WhoAmI(String name, String role, boolean authEnabled) {
    }

    @POST
    @Path("/tokens")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a token; the answer carries the token, shown this once")
    public Response create(@NotNull(message = "body is required") @jakarta.validation.Valid CreateToken body) {
        Role role = Role.parse(body.role()).orElseThrow(() -> new FleetException(FleetException.Kind.INVALID,
                "role must be viewer, operator or admin, got '" + body.role() + "'"));
        TokenService.Created c = tokens.create(body.name().trim(), role);
        audit.target("tokens/" + c.stored().id + " (" + c.stored().name + ", " + role.wire() + ")");
        return Response.created(URI.create("/api/v1/tokens/" + c.stored().id)).entity(TokenView.of(c.stored(), c.token())).build();
    }

    @GET
    @Path("/tokens")
    @Operation(summary = "Every token, revoked ones included, without the tokens themselves")
    public List<TokenView> list() {
        return tokens.list().stream().map(t -> TokenView.of(t, null)).toList();
    }

    @DELETE
    @Path("/tokens/{id}")
    @Operation(summary = "Revoke a token (409 for the last active admin token)")
    public TokenView revoke(@PathParam("id") String id) {
        ApiToken revoked = tokens.revoke(id);
        audit.target("tokens/" + id + " (" + revoked.name + ", " + revoked.role.wire() + ")");
        return TokenView.of(revoked, null);
    }

    @GET
    @Path("/whoami")
    @RolesAllowed(Roles.VIEWER)
    @Operation(summary = "The caller's token name and role")
    public WhoAmI whoami() {
        Principal p = Principal.of(identity).orElseThrow();
        return new WhoAmI(p.name(), p.role().wire(), config.enabled());
    }
}
