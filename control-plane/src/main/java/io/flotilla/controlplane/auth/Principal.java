package io.flotilla.controlplane.auth;

import io.quarkus.security.identity.SecurityIdentity;
import java.util.Optional;

/** Who sent a request: the token's id and name, and its role. */
public record Principal(String tokenId, String name, Role role) {

    /** Everyone, when authentication is turned off. */
    public static final Principal ANONYMOUS_ADMIN = new Principal(null, "anonymous", Role.ADMIN);

    /** The security identity's attribute that holds its principal. */
    static final String IDENTITY_ATTRIBUTE = "flotilla.principal";

    /** The name of whoever sent the request: its token's name, or "anonymous". */
    public static String nameOf(SecurityIdentity identity) {
        return of(identity).map(Principal::name).orElse(ANONYMOUS_ADMIN.name());
    }

    /** The principal of an authenticated request; empty for an anonymous one. */
    public static Optional<Principal> of(SecurityIdentity identity) {
        return Optional.ofNullable(identity.getAttribute(IDENTITY_ATTRIBUTE));
    }
}
