package io.flotilla.controlplane.telemetry;

import static io.flotilla.controlplane.ApiFixtures.report;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.google.protobuf.Timestamp;
import io.flotilla.controlplane.ApiFixtures;
import io.flotilla.controlplane.MqttTestClient;
import io.flotilla.controlplane.TestAgents;
import io.flotilla.controlplane.routing.LiveLoadTable;
import io.flotilla.placement.routing.LiveLoad;
import io.flotilla.proto.EnvelopeCodec;
import io.flotilla.proto.Topics;
import io.flotilla.proto.v1.InferenceLoad;
import io.flotilla.proto.v1.LoadReport;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

@QuarkusTest
class TelemetryIngestionTest {

    @ConfigProperty(name = "flotilla.broker.port")
    int brokerPort;

    @Inject
    LiveLoadTable liveLoads;

    @Test
    void newestTelemetryReportIsServedAndAnOlderOneDoesNotReplaceIt() throws Exception {
        EnvelopeCodec agent = TestAgents.of("berlin-1").codec();
        try (MqttTestClient client = new MqttTestClient(brokerPort)) {
            client.publish(Topics.telemetry("berlin-1"), agent.encode("berlin-1", report("berlin-1", 2_000, 87.5)), false);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    given().get("/api/v1/clusters/berlin-1/telemetry").then().statusCode(200)
                            .body("cpu.usedCores", equalTo(3.5f))
                            .body("gpus[0].model", equalTo("NVIDIA L4"))
                            .body("gpus[0].utilizationPercent", equalTo(87.5f)));

            client.publish(Topics.telemetry("berlin-1"), agent.encode("berlin-1", report("berlin-1", 1_000, 5)), false);
            client.publish(Topics.telemetry("berlin-1"), "garbage".getBytes(), false);
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    ApiFixtures.metric("flotilla_mqtt_rejected_total{kind=\"telemetry\",reason=\"MALFORMED\"}") >= 1);
            given().get("/api/v1/clusters/berlin-1/telemetry").then().statusCode(200)
                    .body("gpus[0].utilizationPercent", equalTo(87.5f));
        }
    }

    /** Live load for the router: verified like telemetry, kept in memory only, newest per cluster. */
    @Test
    void signedLoadReportsReachTheRoutersLiveTableAndBrokenOnesAreRefused() throws Exception {
        EnvelopeCodec agent = TestAgents.of("berlin-1").codec();
        double kept = ApiFixtures.metric("flotilla_load_reports_total");
        LoadReport report = LoadReport.newBuilder().setClusterId("berlin-1")
                .setTime(Timestamp.newBuilder().setSeconds(Instant.now().getEpochSecond()))
                .addLoads(InferenceLoad.newBuilder().setWorkload("chat-eu").setRequestsWaiting(12).setRequestsRunning(3))
                .build();
        try (MqttTestClient client = new MqttTestClient(brokerPort)) {
            client.publishAtMostOnce(Topics.load("berlin-1"), agent.encode("berlin-1", report));
            client.publishAtMostOnce(Topics.load("berlin-1"), "garbage".getBytes());
            await().atMost(Duration.ofSeconds(10)).until(() -> ApiFixtures.metric("flotilla_load_reports_total") == kept + 1
                    && ApiFixtures.metric("flotilla_mqtt_rejected_total{kind=\"load\",reason=\"MALFORMED\"}") >= 1);
        }
        assertThat(liveLoads.of("berlin-1", "chat-eu")).isEqualTo(new LiveLoad(12, 3, 0));
    }

    /**
     * Shared subscriptions keep no order (the embedded broker reorders QoS 0 telemetry under load): reports that arrive
     * out of order within {@code flotilla.identity.reorder-tolerance} (60 s) are all taken, each only once.
     */
    @Test
    void reportsArrivingOutOfOrderAreTakenOnceEachAndOldOrRepeatedOnesAreRefused() throws Exception {
        ApiFixtures.register("shuffled-1", "DE");
        EnvelopeCodec agent = TestAgents.of("shuffled-1").codec();
        Instant t0 = Instant.now();
        double reports = ApiFixtures.metric("flotilla_telemetry_reports_total");
        double replayed = ApiFixtures.metric("flotilla_mqtt_rejected_total{kind=\"telemetry\",reason=\"REPLAYED\"}");
        byte[] newest = agent.encode("shuffled-1", report("shuffled-1", 3_000, 30), t0);
        try (MqttTestClient client = new MqttTestClient(brokerPort)) {
            client.publishAtMostOnce(Topics.telemetry("shuffled-1"), newest);
            await().atMost(Duration.ofSeconds(10)).until(() -> ApiFixtures.metric("flotilla_telemetry_reports_total") == reports + 1);

            // encoded 1 s and 59 s before the newest one: late, but inside the tolerance
            client.publishAtMostOnce(Topics.telemetry("shuffled-1"), agent.encode("shuffled-1", report("shuffled-1", 2_999, 29), t0.minusSeconds(1)));
            client.publishAtMostOnce(Topics.telemetry("shuffled-1"), agent.encode("shuffled-1", report("shuffled-1", 2_941, 28), t0.minusSeconds(59)));
            // the newest again, and one encoded 61 s before it: refused
            client.publishAtMostOnce(Topics.telemetry("shuffled-1"), newest);
            client.publishAtMostOnce(Topics.telemetry("shuffled-1"), agent.encode("shuffled-1", report("shuffled-1", 2_939, 27), t0.minusSeconds(61)));
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(ApiFixtures.metric("flotilla_mqtt_rejected_total{kind=\"telemetry\",reason=\"REPLAYED\"}")).isEqualTo(replayed + 2);
            assertThat(ApiFixtures.metric("flotilla_telemetry_reports_total")).isEqualTo(reports + 3);
        });
        // the newest report stays the cluster's latest
        given().get("/api/v1/clusters/shuffled-1/telemetry").then().statusCode(200)
                .body("gpus[0].utilizationPercent", equalTo(30f));
    }

    @Test
    void clusterWithoutTelemetryAnswers404WithAReason() {
        given().get("/api/v1/clusters/silent-1/telemetry").then().statusCode(404)
                .body("error", containsString("no telemetry from cluster 'silent-1'"));
    }
}
