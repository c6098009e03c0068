package io.flotilla.controlplane;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;

import com.google.protobuf.Timestamp;
import io.agroal.api.AgroalDataSource;
import io.flotilla.controlplane.telemetry.TelemetryMaintenance;
import io.flotilla.proto.EnvelopeCodec;
import io.flotilla.proto.Topics;
import io.flotilla.proto.v1.GpuSample;
import io.flotilla.proto.v1.TelemetryReport;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** The control-plane store against a real PostgreSQL: migrations, registry, outbox and status. */
@QuarkusTest
@TestProfile(PostgresProfile.class)
class PostgresStoreTest {

    @Inject
    AgroalDataSource dataSource;

    @Inject
    TelemetryMaintenance maintenance;

    @ConfigProperty(name = "flotilla.broker.port")
    int brokerPort;

    @Test
    void runsOnPostgresql() throws Exception {
        try (Connection c = dataSource.getConnection()) {
            assertThat(c.getMetaData().getDatabaseProductName()).isEqualTo("PostgreSQL");
        }
    }

    @Test
    void aPlacementDecisionOfSeveralMegabytesIsStored() throws Exception {
        ApiFixtures.assertStoresDecisionOfSeveralMegabytes(dataSource);
    }

    @Test
    void registryOutboxAndStatusRoundTripThroughPostgresql() throws Exception {
        ApiFixtures.register("mumbai-1", "IN-MH");
        given().contentType(ContentType.JSON)
                .body("{\"model\":\"BAAI/bge-m3\",\"image\":\"vllm/vllm-openai:v0.8.5\",\"resources\":{\"gpu\":1}}")
                .put("/api/v1/clusters/mumbai-1/workloads/embed").then().statusCode(200)
                .body("desiredGeneration", equalTo(1));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            try (Connection c = dataSource.getConnection();
                    ResultSet rs = c.createStatement().executeQuery(
                            "select generation, published_at, octet_length(payload) from desired_outbox where cluster_id = 'mumbai-1'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(1);
                assertThat(rs.getTimestamp(2)).as("published_at").isNotNull();
                assertThat(rs.getInt(3)).isGreaterThan(64);
            }
        });

        EnvelopeCodec agentCodec = TestAgents.of("mumbai-1").codec();
        try (MqttTestClient agent = new MqttTestClient(brokerPort)) {
            agent.publish(Topics.status("mumbai-1"), agentCodec.encode("mumbai-1", ApiFixtures.status("mumbai-1", 1)), false);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    given().get("/api/v1/clusters/mumbai-1").then()
                            .body("appliedGeneration", equalTo(1))
                            .body("jurisdiction", equalTo("IN-MH"))
                            .body("workloads[0].name", equalTo("chat")));
        }
    }

    @Test
    void telemetryLandsInPostgresqlAndInTheLatestViewAndIsRolledUpAndExpired() throws Exception {
        ApiFixtures.register("tokyo-1", "JP");
        long now = Instant.now().getEpochSecond();
        TelemetryReport report = ApiFixtures.report("tokyo-1", now, 64).toBuilder()
                .setTime(Timestamp.newBuilder().setSeconds(now).setNanos(123_456_000))
                .addGpus(GpuSample.newBuilder().setIndex(1).setModel("NVIDIA L4").setUtilizationPercent(32)).build();
        EnvelopeCodec agentCodec = TestAgents.of("tokyo-1").codec();
        try (MqttTestClient agent = new MqttTestClient(brokerPort)) {
            agent.publish(Topics.telemetry("tokyo-1"), agentCodec.encode("tokyo-1", report), false);
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            try (Connection c = dataSource.getConnection();
                    ResultSet rs = c.createStatement().executeQuery("select device, utilization, memory_total_mib,"
                            + " sampled_at, temperature_celsius, queue_depth from telemetry_sample where cluster_id = 'tokyo-1' order by device")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("gpu0");
                assertThat(rs.getDouble(2)).isEqualTo(64);
                assertThat(rs.getLong(3)).isEqualTo(23_034);
                assertThat(rs.getTimestamp(4).toInstant()).as("binary COPY keeps microseconds")
                        .isEqualTo(Instant.ofEpochSecond(now, 123_456_000));
                assertThat(rs.getDouble(5)).isEqualTo(61);
                assertThat(rs.getObject(6)).as("not reported: NULL").isNull();
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("gpu1");
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("node");
                assertThat(rs.getDouble(2)).as("CPU percent").isEqualTo(100 * 3.5 / 16);
                assertThat(rs.getLong(3)).isEqualTo(64 * 1024);
                assertThat(rs.getObject(5)).as("a node has no temperature: NULL").isNull();
                assertThat(rs.next()).isFalse();
            }
        });
        given().get("/api/v1/clusters/tokyo-1/telemetry").then().statusCode(200)
                .body("gpus[1].utilizationPercent", equalTo(32f));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().get("/api/v1/clusters/tokyo-1").then()
                .body("lastReportAt", notNullValue()));

        Instant sampled = Instant.ofEpochSecond(now);
        assertThat(maintenance.rollUp(sampled.plus(Duration.ofMinutes(1)))).isGreaterThanOrEqualTo(3);
        try (Connection c = dataSource.getConnection();
                ResultSet rs = c.createStatement().executeQuery("select samples, avg_utilization from telemetry_rollup"
                        + " where cluster_id = 'tokyo-1' and device = 'gpu0'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(1);
            assertThat(rs.getDouble(2)).isEqualTo(64);
        }
        assertThat(maintenance.deleteExpired(sampled.plus(Duration.ofDays(8)))).isGreaterThanOrEqualTo(3);
        try (Connection c = dataSource.getConnection();
                ResultSet rs = c.createStatement().executeQuery("select count(*) from telemetry_sample where cluster_id = 'tokyo-1'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isZero();
        }
    }

    @Test
    void telemetryHistoryIsReadFromPostgresqlRollUps() throws Exception {
        ApiFixtures.register("osaka-1", "JP");
        Instant minute = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(2));
        ApiFixtures.publishAndRollUp(brokerPort, dataSource, maintenance, "osaka-1",
                List.of(minute.plusSeconds(10), minute.plusSeconds(40)), List.of(30.0, 70.0));
        given().get("/api/v1/clusters/osaka-1/telemetry/history?minutes=10").then().statusCode(200)
                .body("node", hasSize(1))
                .body("node[0].minute", equalTo(minute.toString()))
                .body("node[0].memoryTotalMiB", equalTo(64 * 1024))
                .body("gpus[0].points[0].utilizationPercent", equalTo(50f))
                .body("gpus[1].points[0].temperatureCelsius", equalTo(51f));
    }
}
