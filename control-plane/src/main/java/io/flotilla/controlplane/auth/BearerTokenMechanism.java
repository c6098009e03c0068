package io.flotilla.controlplane.auth;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.credential.TokenCredential;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpCredentialTransport;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;

/**
 * Reads the bearer token of a request ({@code Authorization: Bearer flt_...}) for Quarkus security, which then
 * decides access on the matched endpoint: each REST method declares its role with {@code @RolesAllowed}, and one
 * that declares none is refused ({@code quarkus.security.jaxrs.deny-unannotated-endpoints}). Authentication is lazy
 * ({@code quarkus.http.auth.proactive=false}): it runs only for endpoints that need it, after routing.
 *
 * <p>No Authorization header means an anonymous caller (refused by every endpoint that needs a role); a header that
 * is not a bearer token fails authentication, as an unknown or revoked token does ({@link ApiTokenIdentityProvider}).
 */
@ApplicationScoped
class BearerTokenMechanism implements HttpAuthenticationMechanism {

    static final String REALM_CHALLENGE = "Bearer realm=\"flotilla\"";

    private final AuthConfig config;

    BearerTokenMechanism(AuthConfig config) {
        this.config = config;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext rc, IdentityProviderManager identities) {
        if (!config.enabled()) {
            return Uni.createFrom().item(ApiTokenIdentityProvider.identity(Principal.ANONYMOUS_ADMIN));
        }
        String header = rc.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null) {
            return Uni.createFrom().nullItem();
        }
        String token = bearer(header);
        if (token == null) {
            return Uni.createFrom().failure(new AuthenticationFailedException("the Authorization header is not a bearer token"));
        }
        return identities.authenticate(HttpSecurityUtils.setRoutingContextAttribute(
                new TokenAuthenticationRequest(new TokenCredential(token, "bearer")), rc));
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", REALM_CHALLENGE));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(TokenAuthenticationRequest.class);
    }

    @Override
    public Uni<HttpCredentialTransport> getCredentialTransport(RoutingContext context) {
        return Uni.createFrom().item(new HttpCredentialTransport(HttpCredentialTransport.Type.AUTHORIZATION, "bearer"));
    }

    /** The token of a {@code Bearer} header (scheme case-insensitive), or null for any other or an empty one. */
    static String bearer(String header) {
        String h = header.trim();
        if (!h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = h.substring(7).trim();
        return token.isEmpty() ? null : token;
    }
}
