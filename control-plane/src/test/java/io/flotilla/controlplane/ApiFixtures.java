package io.flotilla.controlplane;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;

import com.google.protobuf.Timestamp;
import io.agroal.api.AgroalDataSource;
import io.flotilla.controlplane.telemetry.TelemetryMaintenance;
import io.flotilla.proto.EnvelopeCodec;
import io.flotilla.proto.Topics;
import io.flotilla.proto.VerificationKey;
import io.flotilla.proto.v1.ClusterStatus;
import io.flotilla.proto.v1.CpuSample;
import io.flotilla.proto.v1.GpuSample;
import io.flotilla.proto.v1.MemorySample;
import io.flotilla.proto.v1.TelemetryReport;
import io.flotilla.proto.v1.WorkloadCondition;
import io.flotilla.proto.v1.WorkloadStatus;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * What the control plane's tests do through its API, over the broker and in the database, in one place: register
 * clusters, apply policies, read metrics and keys, build and publish agent reports, store large rows. Every helper asserts the answer it expects.
 */
public final class ApiFixtures {

    /** A workload given directly to a cluster: two replicas of one L4-sized GPU each. */
    public static final String WORKLOAD = """
            {"model": "meta-llama/Llama-3.1-8B-Instruct", "image": "vllm/vllm-openai:v0.8.5",
             "replicas": 2, "resources": {"gpu": 1, "gpuMemoryGiB": 24, "cpu": "4", "memory": "16Gi"}}""";

    private ApiFixtures() {
    }

    public static void register(String id, String jurisdiction) {
        given().contentType(ContentType.JSON)
                .body("{\"id\":\"" + id + "\",\"jurisdiction\":\"" + jurisdiction
                        + "\",\"latitude\":50.11,\"longitude\":8.68,\"labels\":{\"tier\":\"edge\"}}")
                .post("/api/v1/clusters")
                .then().statusCode(201).body("id", equalTo(id)).body("labels.tier", equalTo("edge"));
    }

    public static VerificationKey controlPlaneKey() {
        return VerificationKey.fromBase64(given().get("/api/v1/control-plane/signing-key").then().statusCode(200)
                .extract().path("publicKey"));
    }

    public static double metric(String series) {
        String body = given().get("/q/metrics").then().statusCode(200).extract().asString();
        return body.lines().filter(l -> l.startsWith(series + " ")).mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1)))
                .findFirst().orElse(0);
    }

    public static ClusterStatus status(String cluster, long generation) {
        return ClusterStatus.newBuilder().setClusterId(cluster).setAppliedGeneration(generation)
                .addWorkloads(WorkloadStatus.newBuilder().setName("chat")
                        .setCondition(WorkloadCondition.WORKLOAD_CONDITION_PROGRESSING).setReason("ReplicasNotReady")
                        .setDesiredReplicas(2).setEndpoint("http://chat.flotilla-workloads.svc:8000"))
                .build();
    }

    public static void cluster(String id, String jurisdiction, double lat, double lon, String suite) {
        given().contentType(ContentType.JSON)
                .body("""
                        {"id": "%s", "jurisdiction": "%s", "latitude": %s, "longitude": %s, "labels": {"suite": "%s"},
                         "capacity": {"gpus": [{"model": "L4", "count": 2, "memoryGiB": 24}], "cpu": "32", "memory": "128Gi"}}
                        """.formatted(id, jurisdiction, lat, lon, suite))
                .post("/api/v1/clusters")
                .then().statusCode(201).body("capacity.cpu", equalTo("32"));
    }

    public static ValidatableResponse apply(String yaml, boolean dryRun) {
        return given().contentType("application/yaml").body(yaml.getBytes(StandardCharsets.UTF_8)).post("/api/v1/policies?dryRun=" + dryRun).then();
    }

    public static String policy(String name, String suite, String jurisdictions, int min, int max, String image) {
        return """
                apiVersion: flotilla.io/v1alpha1
                kind: FleetPolicy
                metadata:
                  name: %s
                spec:
                  workload:
                    model: meta-llama/Llama-3.1-8B-Instruct
                    image: %s
                    resources: { gpu: 1, gpuMemoryGiB: 24, cpu: "4", memory: 16Gi }
                  placement:
                    clusterSelector: { matchLabels: { suite: %s } }
                    jurisdictions: [%s]
                    minClusters: %d
                    maxClusters: %d
                  routing:
                    alias: %s
                """.formatted(name, image, suite, jurisdictions, min, max, name);
    }

    public static TelemetryReport report(String cluster, long seconds, double gpuUtil) {
        return TelemetryReport.newBuilder().setClusterId(cluster).setTime(Timestamp.newBuilder().setSeconds(seconds))
                .setCpu(CpuSample.newBuilder().setUsedCores(3.5).setCapacityCores(16))
                .setMemory(MemorySample.newBuilder().setUsedBytes(8L << 30).setCapacityBytes(64L << 30))
                .addGpus(GpuSample.newBuilder().setIndex(0).setModel("NVIDIA L4").setUtilizationPercent(gpuUtil)
                        .setMemoryUsedMib(10_000).setMemoryTotalMib(23_034).setTemperatureCelsius(61))
                .build();
    }

    /** Two GPUs; GPU 1 runs at half GPU 0's utilisation and 10 °C cooler. */
    public static TelemetryReport report(String cluster, Instant at, double gpuUtil) {
        return report(cluster, at.getEpochSecond(), gpuUtil).toBuilder()
                .addGpus(GpuSample.newBuilder().setIndex(1).setModel("NVIDIA L4").setUtilizationPercent(gpuUtil / 2)
                        .setMemoryUsedMib(2_000).setMemoryTotalMib(23_034).setTemperatureCelsius(51))
                .build();
    }

    /** Publishes reports at the given times and rolls up the minutes they fall in, as the leader's maintenance does. */
    public static void publishAndRollUp(int brokerPort, AgroalDataSource dataSource, TelemetryMaintenance maintenance,
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

    public static void assertStoresDecisionOfSeveralMegabytes(AgroalDataSource dataSource) throws SQLException {
        String decision = "{\"chosen\":[" + "{\"cluster\":\"sim-frankfurt-1\",\"replicas\":1},".repeat(60_000) + "{}]}";
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement insert = c.prepareStatement(
                    "insert into policy_placement (policy_name, revision, decision_json, placed_at) values (?, 1, ?, ?)")) {
                insert.setString(1, "large-fleet");
                insert.setString(2, decision);
                insert.setTimestamp(3, java.sql.Timestamp.from(Instant.parse("2026-01-01T00:00:00Z")));
                insert.executeUpdate();
            }
            try (ResultSet rs = c.createStatement().executeQuery(
                    "select decision_json from policy_placement where policy_name = 'large-fleet'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).hasSize(decision.length()).isEqualTo(decision);
            }
            c.createStatement().executeUpdate("delete from policy_placement where policy_name = 'large-fleet'");
        }
    }
}
