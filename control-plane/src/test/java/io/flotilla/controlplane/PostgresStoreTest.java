package io.flotilla.controlplane;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.agroal.api.AgroalDataSource;
import io.flotilla.proto.EnvelopeCodec;
import io.flotilla.proto.Topics;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The control-plane store against a real PostgreSQL: migrations, registry, outbox and status. */
@QuarkusTest
@TestProfile(PostgresProfile.class)
class PostgresStoreTest {

    @Inject
    AgroalDataSource dataSource;

    @ConfigProperty(name = "flotilla.broker.port")
    int brokerPort;

    @Test
    void runsOnPostgresql() throws Exception {
        try (Connection c = dataSource.getConnection()) {
            assertThat(c.getMetaData().getDatabaseProductName()).isEqualTo("PostgreSQL");
        }
    }

    @Test
    void registryOutboxAndStatusRoundTripThroughPostgresql() throws Exception {
        ClusterApiTest.register("mumbai-1", "IN-MH");
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

        EnvelopeCodec agentCodec = EnvelopeCodec.builder("flotilla/clusters/mumbai-1").build();
        try (MqttTestClient agent = new MqttTestClient(brokerPort)) {
            agent.publish(Topics.status("mumbai-1"), agentCodec.encode("mumbai-1", ClusterApiTest.status("mumbai-1", 1)), false);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    given().get("/api/v1/clusters/mumbai-1").then()
                            .body("appliedGeneration", equalTo(1))
                            .body("jurisdiction", equalTo("IN-MH"))
                            .body("workloads[0].name", equalTo("chat")));
        }
    }
}
