package io.flotilla.controlplane.api;

import static io.flotilla.controlplane.ApiFixtures.WORKLOAD;
import static io.flotilla.controlplane.ApiFixtures.controlPlaneKey;
import static io.flotilla.controlplane.ApiFixtures.metric;
import static io.flotilla.controlplane.ApiFixtures.register;
import static io.flotilla.controlplane.ApiFixtures.status;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.flotilla.controlplane.MqttTestClient;
import io.flotilla.controlplane.TestAgents;
import io.flotilla.controlplane.telemetry.ClusterMetrics;
import io.flotilla.proto.EnvelopeCodec;
import io.flotilla.proto.Topics;
import io.flotilla.proto.v1.ClusterStatus;
import io.flotilla.proto.v1.DesiredState;
import io.flotilla.proto.v1.InferenceWorkload;
import io.flotilla.proto.v1.WorkloadStatus;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@QuarkusTest
public class ClusterApiTest {

    @ConfigProperty(name = "flotilla.broker.port")
    int brokerPort;

    @Inject
    ClusterMetrics clusterMetrics;

    @Test
    void registeredClusterIsListedAndShownWithItsGenerations() {
        register("frankfurt-1", "DE");

        given().get("/api/v1/clusters").then().statusCode(200).body("id", hasItem("frankfurt-1"));
        given().get("/api/v1/clusters/frankfurt-1").then().statusCode(200)
                .body("jurisdiction", equalTo("DE"))
                .body("desiredGeneration", equalTo(0))
                .body("appliedGeneration", equalTo(0));
        given().contentType(ContentType.JSON).body("{\"id\":\"frankfurt-1\",\"jurisdiction\":\"DE\"}")
                .post("/api/v1/clusters").then().statusCode(409).body("error", containsString("already registered"));
    }

    @ParameterizedTest(name = "{0} {1} -> {3}")
    @CsvSource(delimiter = '|', value = {
            "PUT  | /api/v1/clusters/nowhere/workloads/chat | {\"model\":\"m\",\"image\":\"i\"}      | 404 | cluster 'nowhere' is not registered",
            "GET  | /api/v1/clusters/nowhere                |                                        | 404 | cluster 'nowhere' is not registered",
            "PUT  | /api/v1/clusters/bad-input/workloads/chat | {\"model\":                          | 400 | body is not valid JSON",
            // found by ApiFuzzTest: a repeated key of a record body failed in Jackson with a 500
            "POST | /api/v1/clusters                        | {\"id\":\"dup-1\",\"jurisdiction\":\"DE\",\"id\":\"dup-2\"} | 400 | body repeats field",
            "PUT  | /api/v1/clusters/bad-input/workloads/chat | {\"model\":\"m\",\"image\":\"i\",\"image\":\"j\"} | 400 | body repeats field",
            // found by ApiFuzzTest: a null in a list of the body failed in List.copyOf with a 500
            "POST | /api/v1/clusters                        | {\"id\":\"null-taint\",\"jurisdiction\":\"DE\",\"taints\":[null]} | 400 | taints must not hold null",
            "PUT  | /api/v1/clusters/bad-input/workloads/chat | {\"model\":\"m\",\"image\":\"i\",\"args\":[\"a\",null]} | 400 | args must not hold null",
            "PUT  | /api/v1/clusters/bad-input/workloads/chat | {\"model\":\"m\",\"image\":\"i\",\"env\":{\"A\":null}} | 400 | env values must not be null",
            "PUT  | /api/v1/clusters/bad-input/workloads/chat | {\"model\":\"m\"}                    | 400 | image: image is required",
            "PUT  | /api/v1/clusters/bad-input/workloads/chat | {\"model\":\"m\",\"image\":\"i\",\"replicas\":-1} | 400 | replicas: replicas must be >= 0",
            "PUT  | /api/v1/clusters/bad-input/workloads/chat | {\"model\":\"m\",\"image\":\"i\",\"replica\":1} | 400 | unknown field 'replica'",
            "PUT  | /api/v1/clusters/bad-input/workloads/Chat_1 | {\"model\":\"m\",\"image\":\"i\"}    | 400 | DNS-1123",
            "PUT  | /api/v1/clusters/bad-input/workloads/chat | {\"model\":\"m\",\"image\":\"ghcr.io/o/i:1\"} | 400 | comes from ghcr.io (ghcr.io/o/i), which the fleet's image policy does not allow",
            "PUT  | /api/v1/clusters/bad-input/workloads/chat | {\"model\":\"m\",\"image\":\"i\",\"env\":{\"T\":\"x\"},\"secretEnv\":{\"T\":{\"name\":\"s\",\"key\":\"k\"}}} | 400 | env and secretEnv both set [T]",
            "PUT  | /api/v1/clusters/bad-input/workloads/chat | {\"model\":\"m\",\"image\":\"i\",\"secretEnv\":{\"T\":{\"name\":\"Bad_Name\",\"key\":\"k\"}}} | 400 | secretEnv name must be a Secret name",
            "POST | /api/v1/clusters                        | {\"id\":\"x\",\"jurisdiction\":\"Germany\"} | 400 | ISO 3166",
    })
    void badRequestsGetAJsonErrorThatSaysWhatIsWrong(String method, String path, String body, int status,
            String message) {
        if (given().get("/api/v1/clusters/bad-input").statusCode() == 404) {
            register("bad-input", "DE");
        }
        var request = given().contentType(ContentType.JSON);
        if (body != null) {
            request.body(body);
        }
        request.request(method, path).then().statusCode(status).contentType(ContentType.JSON)
                .body("status", equalTo(status))
                .body(containsString(message));
    }

    /** Found by ApiFuzzTest: values longer than their database columns failed the insert with a 500. */
    @Test
    void valuesLongerThanTheirColumnsAreRefused() {
        given().contentType(ContentType.JSON).body("{\"id\":\"long-label\",\"jurisdiction\":\"DE\",\"labels\":{\""
                        + "k".repeat(318) + "\":\"v\",\"tier\":\"" + "v".repeat(64) + "\"}}")
                .post("/api/v1/clusters").then().statusCode(400)
                .body("details", hasItem(containsString("label keys are at most 317 characters")))
                .body("details", hasItem(containsString("label values are at most 63 characters")));
        given().get("/api/v1/clusters/long-label").then().statusCode(404);

        register("long-spec", "DE");
        given().contentType(ContentType.JSON).body("{\"model\":\"m\",\"image\":\"i\",\"args\":[\"" + "a".repeat(70_000) + "\"]}")
                .put("/api/v1/clusters/long-spec/workloads/chat").then().statusCode(400)
                .body("error", containsString("workload 'chat' is 70"))
                .body("error", containsString("characters long as JSON; the limit is 65535"));
        given().get("/api/v1/clusters/long-spec").then().body("desiredGeneration", equalTo(0));
    }

    @Test
    void workloadChangePublishesSignedRetainedDesiredState() throws Exception {
        register("paris-1", "FR");
        given().contentType(ContentType.JSON).body(WORKLOAD).put("/api/v1/clusters/paris-1/workloads/chat")
                .then().statusCode(200).body("desiredGeneration", equalTo(1));

        EnvelopeCodec agentSide = EnvelopeCodec.builder("test").trust(controlPlaneKey()).build();
        // subscribing after the publication proves the message is retained
        try (MqttTestClient agent = new MqttTestClient(brokerPort)) {
            agent.subscribe(Topics.desired("paris-1"));
            await().atMost(Duration.ofSeconds(10)).until(() -> agent.last(Topics.desired("paris-1")) != null);
            DesiredState state = agentSide.decode(agent.last(Topics.desired("paris-1")), "paris-1",
                    DesiredState.getDefaultInstance()).payload();

            assertThat(state.getGeneration()).isEqualTo(1);
            InferenceWorkload chat = state.getWorkloads(0);
            assertThat(chat.getName()).isEqualTo("chat");
            assertThat(chat.getImage()).isEqualTo("vllm/vllm-openai:v0.8.5");
            assertThat(chat.getReplicas()).isEqualTo(2);
            assertThat(chat.getResources().getGpu()).isEqualTo(1);
            assertThat(chat.getResources().getGpuMemoryMib()).isEqualTo(24 * 1024);
            assertThat(chat.getPort()).isEqualTo(8000);
            assertThat(chat.getHealthPath()).isEqualTo("/health");

            given().delete("/api/v1/clusters/paris-1/workloads/chat").then().statusCode(200)
                    .body("desiredGeneration", equalTo(2));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                DesiredState removed = agentSide.decode(agent.last(Topics.desired("paris-1")), "paris-1",
                        DesiredState.getDefaultInstance()).payload();
                assertThat(removed.getGeneration()).isEqualTo(2);
                assertThat(removed.getWorkloadsList()).isEmpty();
            });
        }
    }

    @Test
    void agentStatusUpdatesAppliedGenerationAndNeverStepsItBack() throws Exception {
        register("madrid-1", "ES");
        given().contentType(ContentType.JSON).body(WORKLOAD).put("/api/v1/clusters/madrid-1/workloads/chat")
                .then().statusCode(200);
        EnvelopeCodec agentCodec = TestAgents.of("madrid-1").codec();
        try (MqttTestClient agent = new MqttTestClient(brokerPort)) {
            agent.publish(Topics.status("madrid-1"), agentCodec.encode("madrid-1", status("madrid-1", 1)), false);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    given().get("/api/v1/clusters/madrid-1").then()
                            .body("appliedGeneration", equalTo(1))
                            .body("converged", equalTo(false)) // applied, but its workload is still Progressing
                            .body("workloads[0].status.condition", equalTo("Progressing"))
                            .body("workloads[0].status.endpoint", equalTo("http://chat.flotilla-workloads.svc:8000")));

            agent.publish(Topics.status("madrid-1"), agentCodec.encode("madrid-1", status("madrid-1", 0)), false);
            await().atMost(Duration.ofSeconds(10)).until(() -> metric("flotilla_mqtt_stale_total{kind=\"status\"}") >= 1);
            given().get("/api/v1/clusters/madrid-1").then().body("appliedGeneration", equalTo(1));
        }
    }

    @Test
    void statusLargerThanTheMqttClientsDefaultFrameLimitIsApplied() throws Exception {
        register("porto-1", "PT");
        var random = new java.util.Random(7);
        var status = io.flotilla.proto.v1.ClusterStatus.newBuilder().setClusterId("porto-1").setAppliedGeneration(1);
        for (int i = 0; i < 60; i++) {
            byte[] noise = new byte[150];
            random.nextBytes(noise);
            status.addWorkloads(io.flotilla.proto.v1.WorkloadStatus.newBuilder().setName("w-" + i)
                    .setMessage(java.util.Base64.getEncoder().encodeToString(noise)));
        }
        byte[] payload = TestAgents.of("porto-1").codec().encode("porto-1", status.build());
        // the protocol allows 256 KiB; an MQTT client left at its 8,092-byte default drops the whole connection
        assertThat(payload.length).isGreaterThan(8_092);
        try (MqttTestClient agent = new MqttTestClient(brokerPort)) {
            agent.publish(Topics.status("porto-1"), payload, false);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    given().get("/api/v1/clusters/porto-1").then().body("appliedGeneration", equalTo(1)));
        }
    }

    @Test
    void malformedAndMisaddressedStatusIsDroppedAndCounted() throws Exception {
        register("lisbon-1", "PT");
        double malformedBefore = metric("flotilla_mqtt_rejected_total{kind=\"status\",reason=\"MALFORMED\"}");
        double wrongBefore = metric("flotilla_mqtt_rejected_total{kind=\"status\",reason=\"WRONG_CLUSTER\"}");
        EnvelopeCodec impostor = TestAgents.of("lisbon-1").codec(); // its own key, about another cluster
        try (MqttTestClient agent = new MqttTestClient(brokerPort)) {
            agent.publish(Topics.status("lisbon-1"), "not protobuf".getBytes(), false);
            agent.publish(Topics.status("lisbon-1"), impostor.encode("other-cluster", status("other-cluster", 9)), false);

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(metric("flotilla_mqtt_rejected_total{kind=\"status\",reason=\"MALFORMED\"}"))
                        .isEqualTo(malformedBefore + 1);
                assertThat(metric("flotilla_mqtt_rejected_total{kind=\"status\",reason=\"WRONG_CLUSTER\"}"))
                        .isEqualTo(wrongBefore + 1);
            });
        }
        given().get("/api/v1/clusters/lisbon-1").then().body("appliedGeneration", equalTo(0));
    }

    @Test
    void healthMetricsAndOpenApiAreServed() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/metrics").then().statusCode(200).body(containsString("flotilla_dispatch_published_total"));
        given().get("/q/openapi").then().statusCode(200).body(containsString("/api/v1/clusters/{id}"));
    }

    @Test
    void eachClusterHasItsOwnGenerationLagSeries() {
        register("metrics-1", "DE");
        given().contentType(ContentType.JSON).body(WORKLOAD).put("/api/v1/clusters/metrics-1/workloads/chat")
                .then().statusCode(200);
        clusterMetrics.refresh();

        assertThat(metric("flotilla_cluster_generation_lag{cluster=\"metrics-1\"}")).isEqualTo(1.0);
    }

}
