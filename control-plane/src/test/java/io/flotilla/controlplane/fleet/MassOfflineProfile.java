package io.flotilla.controlplane.fleet;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * Mass-offline protection on (the test default is off), in a database of the test class's own, so that clusters
 * other test classes left offline do not count. The heartbeat timeout is longer than any move of the clock: clusters
 * go offline by their will, when the test says so, and the ones that stay up need no heartbeats.
 */
public abstract class MassOfflineProfile implements QuarkusTestProfile {

    /** The in-memory database's name: one per test class. */
    abstract String database();

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.ofEntries(
                Map.entry("quarkus.datasource.jdbc.url", "jdbc:h2:mem:" + database()
                        + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1"),
                Map.entry("flotilla.data-dir", "./target/test-data-massoff"),
                Map.entry("flotilla.fleet.mass-offline-threshold", "0.5"),
                Map.entry("flotilla.fleet.mass-offline-min-clusters", "3"),
                Map.entry("flotilla.placement.require-online", "true"),
                Map.entry("flotilla.placement.offline-grace", "5m"),
                Map.entry("flotilla.fleet.heartbeat-timeout", "1h"),
                Map.entry("flotilla.fleet.presence-check-interval", "200ms"),
                Map.entry("flotilla.fleet.presence-flush-interval", "1s"),
                Map.entry("flotilla.dispatch.ack-timeout", "1h"));
    }

    public static class Protection extends MassOfflineProfile {
        @Override
        String database() {
            return "massoff";
        }
    }

    public static class SingleOutage extends MassOfflineProfile {
        @Override
        String database() {
            return "massoff-single";
        }
    }
}
