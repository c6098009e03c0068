package io.flotilla.controlplane.auth;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** Authentication on, with its own data directory and database so the bootstrap admin token is fresh. */
public class AuthEnabledProfile implements QuarkusTestProfile {

    public static final String DATA_DIR = "target/auth-test-data";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "flotilla.auth.enabled", "true",
                "flotilla.data-dir", DATA_DIR,
                "quarkus.datasource.jdbc.url", "jdbc:h2:mem:flotilla-auth;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1");
    }
}
