package io.flotilla.controlplane.auth;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Turns a bearer token into a security identity: its name, and its role with every role below it (an admin is
 * also an operator and a viewer), so that an endpoint names only the lowest role it admits. A map lookup
 * ({@link TokenService#authenticate}), so it runs on the event loop without blocking.
 */
@ApplicationScoped
class ApiTokenIdentityProvider implements IdentityProvider<TokenAuthenticationRequest> {

    private final TokenService tokens;

    ApiTokenIdentityProvider(TokenService tokens) {
        this.tokens = tokens;
    }

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request, AuthenticationRequestContext context) {
        return tokens.authenticate(request.getToken().getToken())
                .map(p -> Uni.createFrom().item(identity(p)))
                .orElseGet(() -> Uni.createFrom().failure(new AuthenticationFailedException("the token is unknown or revoked")));
    }

    static SecurityIdentity identity(Principal principal) {
        QuarkusSecurityIdentity.Builder b = QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(principal.name()))
                .addAttribute(Principal.IDENTITY_ATTRIBUTE, principal);
        for (Role r : Role.values()) {
            if (principal.role().includes(r)) {
                b.addRole(r.wire());
            }
        }
        return b.build();
    }
}
