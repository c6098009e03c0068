package io.flotilla.controlplane.fleet;

import static io.flotilla.controlplane.fleet.MassOfflineFleet.GRACE;
import static io.flotilla.controlplane.fleet.MassOfflineFleet.WAIT;
import static io.flotilla.controlplane.fleet.MassOfflineFleet.fleetPresence;
import static io.flotilla.controlplane.fleet.MassOfflineFleet.placement;
import static io.flotilla.controlplane.fleet.MassOfflineFleet.presence;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;

import io.flotilla.controlplane.ApiFixtures;
import io.flotilla.controlplane.MqttTestClient;
import io.flotilla.controlplane.MutableClock;
import io.flotilla.proto.v1.Presence;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** With mass-offline protection on, one cluster of four going offline is no mass outage: it loses its workloads after the grace. */
@QuarkusTest
@TestProfile(MassOfflineProfile.SingleOutage.class)
class SingleClusterOfflineTest {

    @ConfigProperty(name = "flotilla.broker.port")
    int brokerPort;

    @Inject
    MutableClock clock;

    @Test
    void oneClusterOfFourOfflineBeyondTheGraceLosesItsWorkloads() throws Exception {
        try (MqttTestClient agents = new MqttTestClient(brokerPort)) {
            MassOfflineFleet.placeOnFour(agents, "so");
            presence(agents, "so-mad", Presence.State.STATE_OFFLINE);
            await().atMost(WAIT).untilAsserted(() -> fleetPresence().body("reporting", equalTo(4)).body("offline", equalTo(1))
                    .body("massOffline", equalTo(false)));

            clock.advance(GRACE.plusMinutes(1));
            await().atMost(WAIT).untilAsserted(() -> placement("so").body("chosen.cluster",
                    containsInAnyOrder("so-ams", "so-fra", "so-par")));
            given().get("/api/v1/clusters/so-mad").then().body("workloads.size()", equalTo(0));
            fleetPresence().body("massOffline", equalTo(false));
            assertThat(ApiFixtures.metric("flotilla_fleet_mass_offline")).isZero();
        }
    }
}
