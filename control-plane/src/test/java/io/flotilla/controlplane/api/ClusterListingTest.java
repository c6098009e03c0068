package io.flotilla.controlplane.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.flotilla.controlplane.MqttTestClient;
import io.flotilla.controlplane.TestAgents;
import io.flotilla.proto.Topics;
import io.flotilla.proto.v1.Presence;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code GET /api/v1/clusters} with {@code limit} and {@code continue}, and its filters, on five clusters registered once
 * for the class. Every case lists only those (a label of their own), since other test classes share the database;
 * no case changes them.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterListingTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @ConfigProperty(name = "flotilla.broker.port")
    int brokerPort;

    /** A label value no other test uses. */
    private String run;
    private List<String> ids;

    /** Before the first case (in a @BeforeEach: Quarkus points REST Assured at the application only then). */
    @BeforeEach
    void fiveClusters() throws Exception {
        if (ids != null) {
            return;
        }
        run = "l" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String id = run + "-" + i;
            ids.add(id);
            given().contentType(ContentType.JSON).body("""
                    {"id": "%s", "jurisdiction": "%s", "latitude": 50.1, "longitude": 8.7,
                     "labels": {"listing": "%s", "tier": "%s"}}""".formatted(id, i < 2 ? "ZQ" : i == 2 ? "ZQ-BY" : "DE", run,
                    i % 2 == 0 ? "edge" : "core"))
                    .post("/api/v1/clusters").then().statusCode(201);
        }
        // 0 and 1 online (READY), 2 offline, 3 and 4 never heard from (UNKNOWN)
        try (MqttTestClient broker = new MqttTestClient(brokerPort)) {
            presence(broker, ids.get(0), Presence.State.STATE_ONLINE);
            presence(broker, ids.get(1), Presence.State.STATE_ONLINE);
            presence(broker, ids.get(2), Presence.State.STATE_OFFLINE);
        }
        await().atMost(WAIT).untilAsserted(() -> {
            given().get("/api/v1/clusters/" + ids.get(1)).then().body("health", equalTo("READY"));
            given().get("/api/v1/clusters/" + ids.get(2)).then().body("health", equalTo("OFFLINE"));
        });
    }

    @Test
    void pagesFollowOneAnotherThroughTheContinueTokenWithoutGapsOrRepeats() {
        List<String> seen = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        String next = "/api/v1/clusters?limit=2&label=listing%3D" + run;
        while (next != null) {
            Response page = given().urlEncodingEnabled(false).get(next).then().statusCode(200).extract().response();
            List<String> pageIds = page.jsonPath().getList("id");
            seen.addAll(pageIds);
            sizes.add(pageIds.size());
            String link = page.header("Link");
            if (link == null) {
                assertThat(page.header("X-Continue")).isNull();
                next = null;
            } else {
                assertThat(link).endsWith(">; rel=\"next\"").contains("continue=" + page.header("X-Continue"))
                        .contains("limit=2").contains("label=listing%3D" + run);
                next = link.substring(1, link.indexOf('>'));
            }
        }
        assertThat(sizes).containsExactly(2, 2, 1);
        assertThat(seen).containsExactlyElementsOf(ids);
    }

    @Test
    void theLastFullPageSaysNothingFollows() {
        Response page = given().queryParam("limit", 5).queryParam("label", "listing=" + run).get("/api/v1/clusters")
                .then().statusCode(200).extract().response();
        assertThat(page.jsonPath().getList("id")).containsExactlyElementsOf(ids);
        assertThat(page.header("Link")).isNull();
        assertThat(page.header("X-Continue")).isNull();
    }

    @Test
    void filtersByJurisdictionHealthAndEveryLabelWithOrWithoutALimit() {
        assertThat(listed("jurisdiction", "ZQ")).as("a country with its subdivisions")
                .containsExactly(ids.get(0), ids.get(1), ids.get(2));
        assertThat(listed("jurisdiction", "ZQ-BY")).containsExactly(ids.get(2));
        assertThat(listed("health", "READY")).containsExactly(ids.get(0), ids.get(1));
        assertThat(listed("health", "offline")).containsExactly(ids.get(2));
        assertThat(listed("health", "UNKNOWN")).containsExactly(ids.get(3), ids.get(4));
        assertThat(listed("label", "tier=edge")).containsExactly(ids.get(0), ids.get(2), ids.get(4));
        assertThat(given().queryParam("label", "listing=" + run).queryParam("label", "tier=edge")
                .queryParam("jurisdiction", "ZQ").queryParam("health", "READY").queryParam("limit", 1)
                .get("/api/v1/clusters").then().statusCode(200).extract().jsonPath().getList("id"))
                .containsExactly(ids.get(0));
        assertThat(listed("label", "tier=nowhere")).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "limit=0                       | limit must be a whole number from 1 to 1000",
        "limit=1001                    | limit must be a whole number from 1 to 1000",
        "limit=ten                     | limit must be a whole number from 1 to 1000",
        "continue=YWZ0ZXI6YQ           | continue needs limit",
        "limit=5&continue=not-a-token  | continue must be the token of a previous page",
        "limit=5&continue=YWZ0ZXI6X1g  | continue must be the token of a previous page",
        "health=SICK                   | health must be one of READY, DEGRADED, OFFLINE, UNKNOWN",
        "label=tier                    | label must be key=value",
        "label=tier%3D%2Fx             | label must be key=value",
        "label=a%3D1&label=a%3D2       | label a is given twice",
        "jurisdiction=de               | jurisdiction must be an ISO 3166 code",
    })
    void aQueryThatMeansNothingIsRefusedWithWhatIsWrong(String query, String error) {
        given().urlEncodingEnabled(false).get("/api/v1/clusters?" + query).then().statusCode(400)
                .contentType(ContentType.JSON).body("error", org.hamcrest.Matchers.containsString(error));
    }

    /** The ids of this case's clusters that also match {@code name=value}, without a limit. */
    private List<String> listed(String name, String value) {
        return given().queryParam(name, value).queryParam("label", "listing=" + run).get("/api/v1/clusters")
                .then().statusCode(200).extract().jsonPath().getList("id");
    }

    private static void presence(MqttTestClient broker, String cluster, Presence.State state) throws Exception {
        broker.publish(Topics.presence(cluster), TestAgents.of(cluster).codec().encode(cluster,
                Presence.newBuilder().setClusterId(cluster).setState(state).build()), true);
    }
}
