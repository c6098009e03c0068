package io.flotilla.controlplane.fleet;

import static io.flotilla.controlplane.fleet.MassOfflineFleet.GRACE;
import static io.flotilla.controlplane.fleet.MassOfflineFleet.WAIT;
import static io.flotilla.controlplane.fleet.MassOfflineFleet.awaitCheckAfter;
import static io.flotilla.controlplane.fleet.MassOfflineFleet.fleetPresence;
import static io.flotilla.controlplane.fleet.MassOfflineFleet.placement;
import static io.flotilla.controlplane.fleet.MassOfflineFleet.presence;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import io.flotilla.controlplane.ApiFixtures;
import io.flotilla.controlplane.MqttTestClient;
import io.flotilla.controlplane.MutableClock;
import io.flotilla.controlplane.console.ConsoleEvents;
import io.flotilla.controlplane.console.ConsoleEvents.ConsoleEvent;
import io.flotilla.proto.v1.Presence;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Three of four clusters go offline at once: beyond the grace period they keep their workloads while the fleet
 * says why (API, gauge, console event); once two are back the protection ends and the one still gone loses its
 * workloads as any cluster offline beyond the grace does.
 */
@QuarkusTest
@TestProfile(MassOfflineProfile.Protection.class)
class MassOfflineProtectionTest {

    @ConfigProperty(name = "flotilla.broker.port")
    int brokerPort;

    @Inject
    MutableClock clock;

    @Inject
    ConsoleEvents events;

    @Test
    void workloadsStayWhileMostOfTheFleetIsOfflineAndMoveOnceEnoughAreBack() throws Exception {
        List<ConsoleEvent> seen = new CopyOnWriteArrayList<>();
        Cancellable subscription = events.stream().subscribe().with(seen::add);
        try (MqttTestClient agents = new MqttTestClient(brokerPort)) {
            List<String> ids = MassOfflineFleet.placeOnFour(agents, "mo");
            await().atMost(WAIT).untilAsserted(() -> fleetPresence().body("reporting", equalTo(4)).body("offline", equalTo(0))
                    .body("massOffline", equalTo(false)));

            for (String id : List.of("mo-fra", "mo-mad", "mo-par")) {
                presence(agents, id, Presence.State.STATE_OFFLINE);
            }
            await().atMost(WAIT).untilAsserted(() -> fleetPresence().body("offline", equalTo(3)).body("massOffline", equalTo(true))
                    .body("toComeBack", equalTo(1)).body("massOfflineSince", notNullValue()));
            assertThat(ApiFixtures.metric("flotilla_fleet_mass_offline")).isEqualTo(1);
            assertThat(ApiFixtures.metric("flotilla_fleet_offline_share")).isEqualTo(0.75);
            await().atMost(WAIT).until(() -> kinds(seen).contains("mass_offline_started"));

            clock.advance(GRACE.plusMinutes(1));
            Instant pastTheGrace = clock.instant();
            awaitCheckAfter(pastTheGrace);
            fleetPresence().body("massOffline", equalTo(true));
            placement("mo").body("chosen.cluster", containsInAnyOrder(ids.toArray(String[]::new)));
            for (String id : ids) {
                given().get("/api/v1/clusters/" + id).then().body("workloads.size()", equalTo(1));
            }

            presence(agents, "mo-fra", Presence.State.STATE_ONLINE);
            presence(agents, "mo-par", Presence.State.STATE_ONLINE);
            await().atMost(WAIT).untilAsserted(() -> fleetPresence().body("offline", equalTo(1)).body("massOffline", equalTo(false))
                    .body("massOfflineSince", nullValue()));
            assertThat(ApiFixtures.metric("flotilla_fleet_mass_offline")).isZero();
            await().atMost(WAIT).until(() -> kinds(seen).contains("mass_offline_ended"));

            // mo-mad has been offline since before the grace ran out: it is given up at once, as before the outage
            await().atMost(WAIT).untilAsserted(() -> placement("mo").body("chosen.cluster",
                    containsInAnyOrder("mo-ams", "mo-fra", "mo-par")));
            given().get("/api/v1/clusters/mo-mad").then().body("health", equalTo("OFFLINE")).body("workloads.size()", equalTo(0));
            for (String id : List.of("mo-ams", "mo-fra", "mo-par")) {
                given().get("/api/v1/clusters/" + id).then().body("workloads.size()", equalTo(1));
            }
        } finally {
            subscription.cancel();
        }
    }

    private static List<String> kinds(List<ConsoleEvent> events) {
        return events.stream().filter(e -> "fleet".equals(e.type())).map(ConsoleEvent::kind).toList();
    }
}
