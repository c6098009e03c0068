package io.flotilla.controlplane.auth;

/**
 * The role names that endpoints declare ({@code @RolesAllowed(Roles.OPERATOR)}): the wire names of {@link Role}, as
 * constants so that annotations can use them. A caller holds its own role and every role below it, so an endpoint
 * names the lowest role that may call it.
 */
public final class Roles {

    public static final String VIEWER = "viewer";
    public static final String OPERATOR = "operator";
    public static final String ADMIN = "admin";

    private Roles() {
    }
}
