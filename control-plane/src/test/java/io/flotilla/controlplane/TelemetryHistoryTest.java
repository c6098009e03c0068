package io.flotilla.controlplane;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import io.agroal.api.AgroalDataSource;
import io.flotilla.controlplane.telemetry.TelemetryMaintenance;
import io.flotilla.proto.EnvelopeCodec;
import io.flotilla.proto.Topics;
import io.flotilla.proto.v1.GpuSample;
import io.flotilla.proto.v1.TelemetryReport;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
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

    /** Two GPUs; GPU 1 runs at half GPU 0's utilisation and 10 °C cooler. */
    static TelemetryReport report(String cluster, Instant at, double gpuUtil) {
        return TelemetryIngestionTest.report(cluster, at.getEpochSecond(), gpuUtil).toBuilder()
                .addGpus(GpuSample.newBuilder().setIndex(1).setModel("NVIDIA L4").setUtilizationPercent(gpuUtil / 2)
                        .setMemoryUsedMib(2_000).setMemoryTotalMib(23_034).setTemperatureCelsius(51))
                .build();
    }

    /** Publishes reports at the given times and rolls up the minutes they fall in, as the leader's maintenance does. */
    static void publishAndRollUp(int brokerPort, AgroalDataSource dataSource, TelemetryMaintenance maintenance,
            String cluster, List<Instant> times, List<Double> gpuUtil) throws Exception {
        EnvelopeCodec codec = TestAgents.of(cluster).codec();
        try (MqttTestClient agent = new MqttTestClient(brokerPort)) {
            for (int i = 0; i < times.size(); i++) {
                agent.publishAtMostOnce(Topics.telemetry(cluster), codec.encode(cluster, report(cluster, times.get(i), gpuUtil.get(i))));
            }
        }
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            try (Connection c = dataSource.getConnection();
                    PreparedStatement ps = c.prepareStatement("select count(*) from telemetry_sample where cluster_id = ?")) {
                ps.setString(1, cluster);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertThat(rs.getInt(1)).isEqualTo(3 * times.size());
                }
            }
        });
        Instant first = times.stream().min(Instant::compareTo).orElseThrow().truncatedTo(ChronoUnit.MINUTES);
        Instant last = times.stream().max(Instant::compareTo).orElseThrow().truncatedTo(ChronoUnit.MINUTES);
        maintenance.rollUp(first, last.plus(1, ChronoUnit.MINUTES));
    }

    @Test
    void historyHasOnePointPerMinuteForTheNodeAndEachGpu() throws Exception {
        ClusterApiTest.register("hist-1", "DE");
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
        ClusterApiTest.register("hist-quiet", "FR");
        given().get("/api/v1/clusters/hist-quiet/telemetry/history").then().statusCode(200)
                .body("node", hasSize(0)).body("gpus", hasSize(0));
        given().get("/api/v1/clusters/hist-quiet").then().body("gpuUtilizationPercent", nullValue());
    }

    @Test
    void outOfRangeMinutesAnswer400AndAnUnknownCluster404() {
        ClusterApiTest.register("hist-2", "FR");
        given().get("/api/v1/clusters/hist-2/telemetry/history?minutes=0").then().statusCode(400)
                .body("details[0]", containsString("minutes must be 1 to 1440"));
        given().get("/api/v1/clusters/hist-2/telemetry/history?minutes=1441").then().statusCode(400);
        given().get("/api/v1/clusters/no-such/telemetry/history").then().statusCode(404)
                .body("error", containsString("'no-such' is not registered"));
    }
}
