package io.flotilla.controlplane.auth;

/** Who sent a request: the token's id and name, and its role. */
public record Principal(String tokenId, String name, Role role) {

    /** Stored on the request's routing context by {@link AuthFilter}. */
    public static final String CONTEXT_KEY = "flotilla.principal";

    /** Everyone, when authentication is turned off. */
    public static final Principal ANONYMOUS_ADMIN = new Principal(null, "anonymous", Role.ADMIN);
}
