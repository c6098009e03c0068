package io.flotilla.controlplane.fleet;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** Placement counts only clusters that report; timers check often so that a moved clock takes effect at once. */
public class FleetHealthProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "flotilla.placement.require-online", "true",
                "flotilla.placement.offline-grace", "5m",
                "flotilla.fleet.heartbeat-timeout", "60s",
                "flotilla.fleet.presence-check-interval", "200ms",
                // long enough that a burst from one cluster lands in one flush
                "flotilla.fleet.presence-flush-interval", "2s",
                "flotilla.dispatch.ack-timeout", "30s",
                "flotilla.dispatch.ack-check-interval", "200ms");
    }
}
