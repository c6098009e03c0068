package io.flotilla.controlplane.telemetry;

import static io.flotilla.controlplane.ApiFixtures.publishAndRollUp;
import static io.flotilla.controlplane.ApiFixtures.report;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import io.agroal.api.AgroalDataSource;
import io.flotilla.controlplane.ApiFixtures;
import io.flotilla.proto.v1.GpuSample;
import io.flotilla.proto.v1.TelemetryReport;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** The last hour of a cluster's telemetry from the one-minute roll-ups, as the console's charts read it. */
@QuarkusTest
class TelemetryHistoryTest {

    @ConfigProperty(name = "flotilla.broker.port")
    int brokerPort;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    TelemetryMaintenance maintenance;

    @Test
    void historyHasOnePointPerMinuteForTheNodeAndEachGpu() throws Exception {
        ApiFixtures.register("hist-1", "DE");
        Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        Instant threeAgo = now.minus(3, ChronoUnit.MINUTES);
        Instant twoHoursAgo = now.minus(120, ChronoUnit.MINUTES);
        publishAndRollUp(brokerPort, dataSource, maintenance, "hist-1",
                List.of(twoHoursAgo.plusSeconds(5), threeAgo.plusSeconds(5), threeAgo.plusSeconds(35), now.minus(1, ChronoUnit.MINUTES).plusSeconds(1)),
                List.of(99.0, 40.0, 60.0, 80.0));

        JsonPath h = given().get("/api/v1/clusters/hist-1/telemetry/history?minutes=60").then().statusCode(200)
                .body("cluster", equalTo("hist-1"))
                .body("node", hasSize(2))
                .body("gpus.index", equalTo(List.of(0, 1)))
                .extract().jsonPath();
        assertThat(Instant.parse(h.getString("node[0].minute"))).isEqualTo(threeAgo);
        assertThat(h.getDouble("node[0].cpuPercent")).isEqualTo(100 * 3.5 / 16);
        assertThat(h.getDouble("node[0].memoryUsedMiB")).isEqualTo(8 * 1024);
        assertThat(h.getLong("node[0].memoryTotalMiB")).isEqualTo(64 * 1024);
        assertThat(h.getDouble("gpus[0].points[0].utilizationPercent")).as("mean of 40 and 60").isEqualTo(50);
        assertThat(h.getDouble("gpus[0].points[1].utilizationPercent")).isEqualTo(80);
        assertThat(h.getDouble("gpus[1].points[0].utilizationPercent")).isEqualTo(25);
        assertThat(h.getDouble("gpus[0].points[0].temperatureCelsius")).isEqualTo(61);
        assertThat(h.getDouble("gpus[1].points[0].temperatureCelsius")).isEqualTo(51);
        assertThat(h.getLong("gpus[1].points[0].memoryTotalMiB")).isEqualTo(23_034);

        // the two-hour-old minute is there when asked for, and only then
        given().get("/api/v1/clusters/hist-1/telemetry/history?minutes=180").then().body("node", hasSize(3))
                .body("gpus[0].points[0].utilizationPercent", equalTo(99f));
        // the latest report's GPUs feed the clusters table's utilisation column: (80 + 40) / 2
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                given().get("/api/v1/clusters/hist-1").then().body("gpuUtilizationPercent", equalTo(60f)));
    }

    @Test
    void aClusterWithoutTelemetryHasAnEmptyHistoryAndNoGpuUtilisation() {
        ApiFixtures.register("hist-quiet", "FR");
        given().get("/api/v1/clusters/hist-quiet/telemetry/history").then().statusCode(200)
                .body("node", hasSize(0)).body("gpus", hasSize(0));
        given().get("/api/v1/clusters/hist-quiet").then().body("gpuUtilizationPercent", nullValue());
    }

    @Test
    void outOfRangeMinutesAnswer400AndAnUnknownCluster404() {
        ApiFixtures.register("hist-2", "FR");
        given().get("/api/v1/clusters/hist-2/telemetry/history?minutes=0").then().statusCode(400)
                .body("details[0]", containsString("minutes must be 1 to 1440"));
        given().get("/api/v1/clusters/hist-2/telemetry/history?minutes=1441").then().statusCode(400);
        given().get("/api/v1/clusters/no-such/telemetry/history").then().statusCode(404)
                .body("error", containsString("'no-such' is not registered"));
    }
}
