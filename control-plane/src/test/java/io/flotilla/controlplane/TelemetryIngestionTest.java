package io.flotilla.controlplane;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.google.protobuf.Timestamp;
import io.flotilla.proto.EnvelopeCodec;
import io.flotilla.proto.Topics;
import io.flotilla.proto.v1.CpuSample;
import io.flotilla.proto.v1.GpuSample;
import io.flotilla.proto.v1.MemorySample;
import io.flotilla.proto.v1.TelemetryReport;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

@QuarkusTest
class TelemetryIngestionTest {

    @ConfigProperty(name = "flotilla.broker.port")
    int brokerPort;

    static TelemetryReport report(String cluster, long seconds, double gpuUtil) {
        return TelemetryReport.newBuilder().setClusterId(cluster).setTime(Timestamp.newBuilder().setSeconds(seconds))
                .setCpu(CpuSample.newBuilder().setUsedCores(3.5).setCapacityCores(16))
                .setMemory(MemorySample.newBuilder().setUsedBytes(8L << 30).setCapacityBytes(64L << 30))
                .addGpus(GpuSample.newBuilder().setIndex(0).setModel("NVIDIA L4").setUtilizationPercent(gpuUtil)
                        .setMemoryUsedMib(10_000).setMemoryTotalMib(23_034).setTemperatureCelsius(61))
                .build();
    }

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
                    ClusterApiTest.metric("flotilla_mqtt_rejected_total{kind=\"telemetry\",reason=\"MALFORMED\"}") >= 1);
            given().get("/api/v1/clusters/berlin-1/telemetry").then().statusCode(200)
                    .body("gpus[0].utilizationPercent", equalTo(87.5f));
        }
    }

    @Test
    void clusterWithoutTelemetryAnswers404WithAReason() {
        given().get("/api/v1/clusters/silent-1/telemetry").then().statusCode(404)
                .body("error", containsString("no telemetry from cluster 'silent-1'"));
    }
}
