package io.flotilla.controlplane;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;

/**
 * An in-memory database of its own, and the router's {@code /v1} on a port of its own: one application for the test
 * classes that need either, so that the suite starts it once instead of once per class. Neither setting touches what
 * the other class checks: {@code ApiFuzzTest} writes only to {@code /api/v1} on the main port (and what it creates
 * stays out of the other tests' database); {@code RouterOwnPortTest} routes a model of its own, on clusters of its
 * own suite label, on the router's port.
 */
public class OwnDatabaseProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "quarkus.datasource.jdbc.url",
                "jdbc:h2:mem:flotilla-own;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1",
                "flotilla.router.port", Integer.toString(freeLoopbackPort()));
    }

    private static int freeLoopbackPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
