package io.flotilla.controlplane.auth;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

/**
 * A test-only endpoint that declares no role, deployed with the test application: it shows that such an endpoint
 * is refused to everyone, admins included ({@link EndpointAccessTest}).
 */
@Path("/api/v1/test-fixture/undeclared")
public class UndeclaredFixtureResource {

    static final String OPERATION_ID = "UndeclaredFixtureResource_get";

    @GET
    public String get() {
        return "served without a declared role";
    }
}
