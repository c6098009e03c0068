package io.flotilla.controlplane.routing;

import static io.flotilla.controlplane.routing.RouterFixtures.chat;
import static io.flotilla.controlplane.routing.RouterFixtures.publishedKeys;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import com.google.protobuf.Timestamp;
import io.flotilla.controlplane.ApiFixtures;
import io.flotilla.controlplane.MqttTestClient;
import io.flotilla.controlplane.TestAgents;
import io.flotilla.controlplane.routing.RouterFixtures.Place;
import io.flotilla.proto.Topics;
import io.flotilla.proto.receipt.ReceiptClaims;
import io.flotilla.proto.receipt.ReceiptVerifier;
import io.flotilla.proto.v1.ClusterStatus;
import io.flotilla.proto.v1.InferenceLoad;
import io.flotilla.proto.v1.LoadReport;
import io.flotilla.proto.v1.WorkloadCondition;
import io.flotilla.proto.v1.WorkloadStatus;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The inference router against OpenAI-shaped stand-ins on loopback, one per cluster, whose endpoints reach the control
 * plane the way agents report them: in a cluster status over MQTT. The test profile configures four tenants
 * ({@code sk-test-acme} without default jurisdictions or limits, {@code sk-test-eu} limited to the EU,
 * {@code sk-test-limited} with a slow rate, {@code sk-test-single} with one request in flight), 3 s first-byte and idle
 * timeouts, and places clients from 127.0.0.0/8 in Mumbai. Each test uses its own clusters, told apart by the
 * {@code suite} label its policy selects.
 */
@QuarkusTest
class InferenceRouterTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String ACME = "sk-test-acme";
    private static final String EU_TENANT = "sk-test-eu";
    private static final String LIMITED = "sk-test-limited";
    private static final String SINGLE = "sk-test-single";

    private static Vertx vertx;

    @ConfigProperty(name = "flotilla.broker.port")
    int brokerPort;

    @TestHTTPResource("/v1/chat/completions")
    URI chatUri;

    @Inject
    LiveLoadTable liveLoads;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void routesToTheNearestEligibleClusterWithinTheAllowedJurisdictions() throws Exception {
        try (var fra = new OpenAiStandIn(vertx, "rn-fra"); var par = new OpenAiStandIn(vertx, "rn-par");
                var nyc = new OpenAiStandIn(vertx, "rn-nyc")) {
            serve("chat-rn", "rn", "EU, US", Map.of("rn-fra", new Place("DE", 50.11, 8.68, fra.endpoint()),
                    "rn-par", new Place("FR", 48.86, 2.35, par.endpoint()), "rn-nyc", new Place("US", 40.71, -74.01, nyc.endpoint())));

            chat(ACME, "chat-rn").header("X-Flotilla-Client-Location", "40.7,-74.0").post("/v1/chat/completions").then()
                    .statusCode(200)
                    .header("X-Flotilla-Cluster", "rn-nyc")
                    .header("X-Flotilla-Route-Reason", startsWith("nearest eligible of 3 in the policy's jurisdictions"))
                    .body("choices[0].message.content", equalTo("hello from rn-nyc"))
                    .body("model", equalTo("chat-rn"));
            chat(ACME, "chat-rn").header("X-Flotilla-Client-Location", "paris").post("/v1/chat/completions").then()
                    .statusCode(200).header("X-Flotilla-Cluster", "rn-par")
                    .header("X-Flotilla-Route-Reason", containsString("client at paris (header)"));
            // the header narrows: from New York, the nearest EU cluster
            chat(ACME, "chat-rn").header("X-Flotilla-Client-Location", "40.7,-74.0").header("X-Flotilla-Jurisdiction", "EU")
                    .post("/v1/chat/completions").then().statusCode(200).header("X-Flotilla-Cluster", "rn-par")
                    .header("X-Flotilla-Route-Reason", containsString("in [EU]"));
            // the tenant's default does the same without the header, and a header cannot widen it
            chat(EU_TENANT, "chat-rn").header("X-Flotilla-Client-Location", "new-york").post("/v1/embeddings").then()
                    .statusCode(200).header("X-Flotilla-Cluster", "rn-par").body("cluster", equalTo("rn-par"));
            chat(EU_TENANT, "chat-rn").header("X-Flotilla-Client-Location", "new-york").header("X-Flotilla-Jurisdiction", "US")
                    .post("/v1/chat/completions").then().statusCode(403)
                    .body("error.type", equalTo("permission_error"))
                    .body("error.message", containsString("beyond tenant eu's jurisdictions [EU]"));
            assertThat(fra.requests()).isZero();

            given().contentType(ContentType.JSON).body("{\"model\":\"chat-rn\"}").post("/v1/chat/completions").then()
                    .statusCode(401).header("Connection", "close").body("error.code", equalTo("invalid_api_key"));
            given().header("Authorization", "Bearer " + ACME).get("/v1/models").then().statusCode(200)
                    .body("object", equalTo("list")).body("data.id", hasItem("chat-rn"));
        }
    }

    @Test
    void failsOverFromADeadClusterAndEjectsItForACoolDown() throws Exception {
        try (var par = new OpenAiStandIn(vertx, "fo-par")) {
            serve("chat-fo", "fo", "EU", Map.of("fo-fra", new Place("DE", 50.11, 8.68, deadEndpoint()),
                    "fo-par", new Place("FR", 48.86, 2.35, par.endpoint())));

            for (int i = 0; i < 2; i++) {
                String receipt = chat(ACME, "chat-fo").header("X-Flotilla-Client-Location", "frankfurt")
                        .post("/v1/chat/completions").then()
                        .statusCode(200).header("X-Flotilla-Cluster", "fo-par")
                        .header("X-Flotilla-Route-Reason", containsString("rank 2 of 2"))
                        .header("X-Flotilla-Route-Reason", containsString("failed over from fo-fra"))
                        .body("choices[0].message.content", equalTo("hello from fo-par"))
                        .extract().header("X-Flotilla-Receipt");
                // the receipt names the cluster that served, not the one tried first
                assertThat(publishedKeys().verify(receipt).claims().cluster()).isEqualTo("fo-par");
            }
            // two consecutive failures eject fo-fra: it is no longer tried first
            chat(ACME, "chat-fo").header("X-Flotilla-Client-Location", "frankfurt").post("/v1/chat/completions").then()
                    .statusCode(200).header("X-Flotilla-Cluster", "fo-par")
                    .header("X-Flotilla-Route-Reason", containsString("fo-fra ejected"))
                    .header("X-Flotilla-Route-Reason", not(containsString("failed over")));

            // an overloaded model server (503) is failed over too; with none left the answer names every failure
            par.answerWith(503);
            chat(ACME, "chat-fo").header("X-Flotilla-Client-Location", "frankfurt").post("/v1/chat/completions").then()
                    .statusCode(503).body("error.code", equalTo("no_cluster_available"))
                    .body("error.message", containsString("fo-par: answered 503"))
                    .body("error.message", containsString("fo-fra: "));

            String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
            assertThat(metrics).contains("flotilla_router_failovers_total{cluster=\"fo-fra\",reason=\"connect\"}")
                    .contains("flotilla_router_failovers_total{cluster=\"fo-par\",reason=\"status_503\"}")
                    .contains("flotilla_router_ejections_total{cluster=\"fo-fra\"}")
                    .contains("flotilla_router_added_latency_seconds_bucket");
        }
    }

    @Test
    void endpointsOutsideTheAllowedNetworksAndRoutesPlacementNeverGaveAreNeverUsed() throws Exception {
        try (var par = new OpenAiStandIn(vertx, "ae-par")) {
            // ae-fra reports an endpoint outside flotilla.router.allowed-endpoints (the test allows loopback only)
            serve("chat-ae", "ae", "EU", Map.of("ae-fra", new Place("DE", 50.11, 8.68, "http://10.255.255.1:8000"),
                    "ae-par", new Place("FR", 48.86, 2.35, par.endpoint())));
            chat(ACME, "chat-ae").header("X-Flotilla-Client-Location", "frankfurt").post("/v1/chat/completions").then()
                    .statusCode(200).header("X-Flotilla-Cluster", "ae-par")
                    .header("X-Flotilla-Route-Reason", containsString("failed over from ae-fra"));
            assertThat(given().get("/q/metrics").then().extract().asString())
                    .contains("flotilla_router_failovers_total{cluster=\"ae-fra\",reason=\"endpoint_not_allowed\"}");

            // ae-ams was never given the policy's workload (another suite label): claiming to serve it makes no route
            ApiFixtures.cluster("ae-ams", "NL", 52.37, 4.90, "other-suite");
            try (MqttTestClient agents = new MqttTestClient(brokerPort)) {
                agents.publish(Topics.status("ae-ams"), TestAgents.of("ae-ams").encode(ClusterStatus.newBuilder()
                        .setClusterId("ae-ams").setAppliedGeneration(0)
                        .addWorkloads(WorkloadStatus.newBuilder().setName("chat-ae")
                                .setCondition(WorkloadCondition.WORKLOAD_CONDITION_AVAILABLE).setReadyReplicas(1)
                                .setDesiredReplicas(1).setEndpoint(par.endpoint()))
                        .build()), false);
                await().atMost(WAIT).untilAsserted(() -> given().get("/api/v1/clusters/ae-ams").then()
                        .body("lastStatusAt", org.hamcrest.Matchers.notNullValue()));
            }
            given().get("/api/v1/route?model=chat-ae&site=amsterdam").then().statusCode(200)
                    .body("candidates.cluster", not(org.hamcrest.Matchers.hasItem("ae-ams")));
        }
    }

    @Test
    void neverFailsOverOutsideTheRequestsJurisdictions() throws Exception {
        try (var nyc = new OpenAiStandIn(vertx, "sj-nyc")) {
            serve("chat-sj", "sj", "EU, US", Map.of("sj-fra", new Place("DE", 50.11, 8.68, deadEndpoint()),
                    "sj-nyc", new Place("US", 40.71, -74.01, nyc.endpoint())));

            chat(ACME, "chat-sj").header("X-Flotilla-Client-Location", "frankfurt").header("X-Flotilla-Jurisdiction", "EU")
                    .post("/v1/chat/completions").then()
                    .statusCode(503)
                    .header("X-Flotilla-Cluster", nullValue())
                    .header("X-Flotilla-Route-Reason", containsString("no cluster outside [EU] is tried"))
                    .body("error.type", equalTo("service_unavailable"))
                    .body("error.message", containsString("sj-fra: "));
            assertThat(nyc.requests()).isZero();

            // nobody serves it in India at all: 503 naming where it is served
            chat(ACME, "chat-sj").header("X-Flotilla-Client-Location", "mumbai").header("X-Flotilla-Jurisdiction", "IN")
                    .post("/v1/chat/completions").then().statusCode(503)
                    .body("error.code", equalTo("no_eligible_cluster"))
                    .body("error.message", containsString("it is served in [DE, US]"));
            assertThat(nyc.requests()).isZero();

            // the same request allowed to reach the US is answered there: the 503 above was the jurisdiction's doing
            chat(ACME, "chat-sj").header("X-Flotilla-Client-Location", "frankfurt").post("/v1/chat/completions").then()
                    .statusCode(200).header("X-Flotilla-Cluster", "sj-nyc");
        }
    }

    @Test
    void streamedAnswersArriveEventByEventWhileTheClusterIsStillWriting() throws Exception {
        try (var par = new OpenAiStandIn(vertx, "st-par")) {
            serve("chat-st", "st", "EU", Map.of("st-par", new Place("FR", 48.86, 2.35, par.endpoint())));

            HttpClient http = HttpClient.newHttpClient();
            HttpRequest request = HttpRequest.newBuilder(chatUri)
                    .header("Authorization", "Bearer " + ACME).header("Content-Type", "application/json")
                    .header("X-Flotilla-Client-Location", "paris")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"model\":\"chat-st\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                    .build();
            HttpResponse<InputStream> response = http.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream())
                    .get(10, TimeUnit.SECONDS);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("X-Flotilla-Cluster")).hasValue("st-par");
            assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream");
            // the receipt went out with the headers, before the first event
            ReceiptVerifier.Result receipt = publishedKeys().verify(response.headers().firstValue("X-Flotilla-Receipt").orElse(null));
            assertThat(receipt.valid()).as(receipt.reason()).isTrue();
            assertThat(receipt.claims().cluster()).isEqualTo("st-par");
            InputStream body = response.body();

            // the stand-in holds the rest back: the first event can only be here if the router did not buffer
            String first = CompletableFuture.supplyAsync(() -> readEvent(body)).get(10, TimeUnit.SECONDS);
            assertThat(first).startsWith("data: ").contains("\"content\":\"hello\"");

            par.releaseStream();
            String second = CompletableFuture.supplyAsync(() -> readEvent(body)).get(10, TimeUnit.SECONDS);
            assertThat(second).contains("\"content\":\" from st-par\"");
            assertThat(CompletableFuture.supplyAsync(() -> readEvent(body)).get(10, TimeUnit.SECONDS)).isEqualTo("data: [DONE]");
            body.close();
        }
    }

    /** Live load reaches the request path without a rebuild; a cluster over maxQueue is skipped, and the reason says so. */
    @Test
    void aClusterOverMaxQueueIsSkippedForItsNeighbourAndTheReasonSaysWhy() throws Exception {
        try (var par = new OpenAiStandIn(vertx, "lq-par"); var fra = new OpenAiStandIn(vertx, "lq-fra")) {
            RouterFixtures.serve(brokerPort, "chat-lq", "lq", "EU", Map.of("lq-par", new Place("FR", 48.86, 2.35, par.endpoint()),
                    "lq-fra", new Place("DE", 50.11, 8.68, fra.endpoint())), "    maxQueue: 4\n");
            liveLoads.offer(load("lq-par", 9));
            liveLoads.offer(load("lq-fra", 0));
            chat(ACME, "chat-lq").header("X-Flotilla-Client-Location", "paris").post("/v1/chat/completions").then()
                    .statusCode(200).header("X-Flotilla-Cluster", "lq-fra")
                    .header("X-Flotilla-Route-Reason", containsString("skipped lq-par: 9 waiting > maxQueue 4"));
            given().get("/api/v1/route?model=chat-lq&site=paris").then().statusCode(200)
                    .body("candidates[0].cluster", equalTo("lq-fra"))
                    .body("candidates[1].waiting", equalTo(9.0f))
                    .body("notes", hasItem("skipped lq-par: 9 waiting > maxQueue 4"));
        }
    }

    private static LoadReport load(String cluster, double waiting) {
        return LoadReport.newBuilder().setClusterId(cluster).setTime(Timestamp.newBuilder().setSeconds(Instant.now().getEpochSecond()))
                .addLoads(InferenceLoad.newBuilder().setWorkload("chat-lq").setRequestsWaiting(waiting).setRequestsRunning(2))
                .build();
    }

    @Test
    void aReceiptProvesWhereARequestWasServedAndTheAuditCountsItWithinTheJurisdiction() throws Exception {
        Instant since = Instant.now().minusSeconds(1);
        try (var fra = new OpenAiStandIn(vertx, "rc-fra"); var par = new OpenAiStandIn(vertx, "rc-par")) {
            serve("chat-rc", "rc", "EU", Map.of("rc-fra", new Place("DE", 50.11, 8.68, fra.endpoint()),
                    "rc-par", new Place("FR", 48.86, 2.35, par.endpoint())));
            String body = "{\"model\":\"chat-rc\",\"messages\":[{\"role\":\"user\",\"content\":\"receipt\"}]}";
            var answer = given().header("Authorization", "Bearer " + EU_TENANT).contentType(ContentType.JSON).body(body)
                    .header("X-Flotilla-Client-Location", "frankfurt").post("/v1/chat/completions").then().statusCode(200)
                    .extract();
            String receipt = answer.header("X-Flotilla-Receipt");
            for (String site : List.of("frankfurt", "paris")) {
                chat(EU_TENANT, "chat-rc").header("X-Flotilla-Client-Location", site).post("/v1/chat/completions").then()
                        .statusCode(200).header("X-Flotilla-Receipt", startsWith("ey"));
            }

            // offline, with the published key set
            ReceiptVerifier.Result verified = publishedKeys().verify(receipt, body.getBytes(StandardCharsets.UTF_8));
            assertThat(verified.valid()).as(verified.reason()).isTrue();
            ReceiptClaims claims = verified.claims();
            assertThat(claims.requestId()).isEqualTo(answer.header("X-Flotilla-Request-Id"));
            assertThat(claims.cluster()).isEqualTo("rc-fra");
            assertThat(claims.clusterJurisdiction()).isEqualTo("DE");
            assertThat(claims.allowed()).containsExactly("EU");
            assertThat(claims.tenant()).isEqualTo("eu");
            assertThat(claims.model()).isEqualTo("chat-rc");
            assertThat(claims.policy()).isEqualTo("chat-rc");
            assertThat(claims.policyRevision()).isPositive();
            assertThat(receipt).doesNotContain(EU_TENANT);

            // one claim changed, or one byte of the signature: refused, with the reason
            String[] parts = receipt.split("\\.");
            String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
            String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(
                    payload.replace("\"jur\":\"DE\"", "\"jur\":\"US\"").getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
            byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
            signature[0] ^= 1;
            String badSignature = parts[0] + "." + parts[1] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
            String kid = verified.keyId();
            assertThat(publishedKeys().verify(forged).reason()).isEqualTo("signature does not match key " + kid);
            assertThat(publishedKeys().verify(badSignature).reason()).isEqualTo("signature does not match key " + kid);
            given().queryParam("receipt", receipt).get("/api/v1/receipts/verify").then().statusCode(200)
                    .body("valid", equalTo(true)).body("claims.cluster", equalTo("rc-fra"));
            given().queryParam("receipt", forged).get("/api/v1/receipts/verify").then().statusCode(200)
                    .body("valid", equalTo(false)).body("reason", equalTo("signature does not match key " + kid));

            // the audit: per serving cluster, and none outside the allowed jurisdictions (recorded asynchronously)
            await().atMost(WAIT).untilAsserted(() -> given().queryParam("jurisdiction", "EU")
                    .queryParam("from", since.toString()).get("/api/v1/routing/audit").then().statusCode(200)
                    .body("clusters.find { it.cluster == 'rc-fra' }.requests", equalTo(2))
                    .body("clusters.find { it.cluster == 'rc-fra' }.jurisdiction", equalTo("DE"))
                    .body("clusters.find { it.cluster == 'rc-par' }.requests", equalTo(1))
                    .body("outsideAllowed", equalTo(0)));
            // requests bound to the EU are not within FR alone
            given().queryParam("jurisdiction", "FR").queryParam("from", since.toString()).get("/api/v1/routing/audit")
                    .then().statusCode(200).body("clusters.cluster", not(hasItem("rc-par")));
            given().queryParam("jurisdiction", "XX").get("/api/v1/routing/audit").then().statusCode(400);
        }
    }

    @Test
    void placesClientsByHeaderOrElseByTheirSourceNetwork() throws Exception {
        try (var bom = new OpenAiStandIn(vertx, "cl-bom"); var fra = new OpenAiStandIn(vertx, "cl-fra")) {
            serve("chat-cl", "cl", "IN, EU", Map.of("cl-bom", new Place("IN-MH", 19.08, 72.88, bom.endpoint()),
                    "cl-fra", new Place("DE", 50.11, 8.68, fra.endpoint())));

            // no header: the test profile maps 127.0.0.0/8 to Mumbai
            chat(ACME, "chat-cl").post("/v1/chat/completions").then().statusCode(200)
                    .header("X-Flotilla-Cluster", "cl-bom")
                    .header("X-Flotilla-Route-Reason", containsString("client at mumbai (network 127.0.0.0/8)"));
            chat(ACME, "chat-cl").header("X-Flotilla-Client-Location", "frankfurt").post("/v1/chat/completions").then()
                    .statusCode(200).header("X-Flotilla-Cluster", "cl-fra");
            chat(ACME, "chat-cl").header("X-Flotilla-Client-Location", "48.1, 11.6").post("/v1/chat/completions").then()
                    .statusCode(200).header("X-Flotilla-Cluster", "cl-fra")
                    .header("X-Flotilla-Route-Reason", containsString("client at 48.10,11.60 (header)"));
            chat(ACME, "chat-cl").header("X-Flotilla-Client-Location", "atlantis").post("/v1/chat/completions").then()
                    .statusCode(400).body("error.code", equalTo("invalid_location"))
                    .body("error.message", containsString("unknown site 'atlantis'"));
        }
    }

    @Test
    void badRequestsGetAnOpenAiShapedClientError() {
        RequestSpecification acme = given().header("Authorization", "Bearer " + ACME).contentType(ContentType.JSON);
        acme.body("{\"model\": \"chat\", ").post("/v1/chat/completions").then().statusCode(400)
                .body("error.type", equalTo("invalid_request_error")).body("error.code", equalTo("invalid_json"))
                .body("error.param", nullValue());
        acme.body("{\"messages\": []}").post("/v1/chat/completions").then().statusCode(400)
                .body("error.code", equalTo("missing_model")).body("error.param", equalTo("model"));
        acme.body("{\"model\": 7}").post("/v1/completions").then().statusCode(400).body("error.param", equalTo("model"));
        acme.body("{\"model\": \"no-such-alias\"}").post("/v1/chat/completions").then().statusCode(404)
                .body("error.code", equalTo("model_not_found"))
                .body("error.message", containsString("no policy has it as its routing alias"));
        acme.body("{\"model\": \"chat\", \"prompt\": \"" + "x".repeat(70_000) + "\"}").post("/v1/completions").then()
                .statusCode(413).body("error.code", equalTo("request_too_large"));
        acme.header("X-Flotilla-Jurisdiction", "EU,XX").body("{\"model\": \"chat\"}").post("/v1/chat/completions").then()
                .statusCode(400).body("error.code", equalTo("invalid_jurisdiction"))
                .body("error.message", containsString("XX"));
        given().header("Authorization", "Bearer wrong").get("/v1/models").then().statusCode(401)
                .body("error.message", equalTo("invalid API key"));
    }

    @Test
    void crossSiteFormsAndBodiesThatAreNotJsonAreRefusedBeforeAnyClusterIsContacted() throws Exception {
        try (var par = new OpenAiStandIn(vertx, "ct-par")) {
            serve("chat-ct", "ct", "EU", Map.of("ct-par", new Place("FR", 48.86, 2.35, par.endpoint())));
            String body = "{\"model\":\"chat-ct\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

            // what <form enctype="text/plain"> on another site makes a visitor's browser send: no key, no preflight
            HttpResponse<String> form = post(Map.of("Content-Type", "text/plain"), body);
            assertThat(form.statusCode()).isEqualTo(415);
            assertThat(form.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
            JsonObject error = new JsonObject(form.body()).getJsonObject("error");
            assertThat(error.getString("type")).isEqualTo("invalid_request_error");
            assertThat(error.getString("code")).isEqualTo("unsupported_media_type");
            assertThat(error.getString("message")).contains("text/plain").contains("application/json");
            for (String type : List.of("text/plain; charset=utf-8", "application/x-www-form-urlencoded",
                    "multipart/form-data; boundary=b")) {
                HttpResponse<String> refused = post(Map.of("Content-Type", type, "Authorization", "Bearer " + ACME,
                        "X-Flotilla-Client-Location", "paris"), body);
                assertThat(refused.statusCode()).as(type).isEqualTo(415);
                assertThat(refused.body()).as(type).contains("\"code\":\"unsupported_media_type\"");
            }
            HttpResponse<String> untyped = post(Map.of("Authorization", "Bearer " + ACME,
                    "X-Flotilla-Client-Location", "paris"), body);
            assertThat(untyped.statusCode()).isEqualTo(415);
            assertThat(untyped.body()).contains("no Content-Type");
            assertThat(par.requests()).isZero();

            HttpResponse<String> json = post(Map.of("Content-Type", "application/json; charset=utf-8",
                    "Authorization", "Bearer " + ACME, "X-Flotilla-Client-Location", "paris"), body);
            assertThat(json.statusCode()).isEqualTo(200);
            assertThat(par.requests()).isEqualTo(1);
        }
    }

    @Test
    void aClusterAnsweringAWebPageIsFailedOverAndThePageNeverReachesTheClient() throws Exception {
        try (var fra = new OpenAiStandIn(vertx, "wp-fra"); var par = new OpenAiStandIn(vertx, "wp-par")) {
            serve("chat-wp", "wp", "EU", Map.of("wp-fra", new Place("DE", 50.11, 8.68, fra.endpoint()),
                    "wp-par", new Place("FR", 48.86, 2.35, par.endpoint())));
            fra.answerWithWebPage();

            chat(ACME, "chat-wp").header("X-Flotilla-Client-Location", "frankfurt").post("/v1/chat/completions").then()
                    .statusCode(200).header("X-Flotilla-Cluster", "wp-par")
                    .header("X-Flotilla-Route-Reason", containsString("failed over from wp-fra: answered 200 with a web page (text/html)"))
                    .header("Set-Cookie", nullValue())
                    .body("choices[0].message.content", equalTo("hello from wp-par"));

            par.answerWithWebPage();
            String answer = chat(ACME, "chat-wp").header("X-Flotilla-Client-Location", "frankfurt")
                    .post("/v1/chat/completions").then()
                    .statusCode(502)
                    .header("Set-Cookie", nullValue())
                    .header("Content-Type", startsWith("application/json"))
                    .header("X-Content-Type-Options", "nosniff")
                    .header("X-Flotilla-Cluster", nullValue())
                    .body("error.type", equalTo("server_error"))
                    .body("error.code", equalTo("invalid_upstream_response"))
                    .body("error.message", containsString("wp-par: answered 200 with a web page"))
                    .body("error.message", containsString("wp-fra: answered 200 with a web page"))
                    .extract().asString();
            assertThat(answer).doesNotContain("<html").doesNotContain("Sign in");
            assertThat(fra.requests()).isEqualTo(2);
            assertThat(par.requests()).isEqualTo(2);
            assertThat(given().get("/q/metrics").then().extract().asString())
                    .contains("flotilla_router_failovers_total{cluster=\"wp-fra\",reason=\"html\"}");
        }
    }

    @Test
    void upstreamResponseHeadersPassAnAllowListAndEveryAnswerForbidsSniffing() throws Exception {
        try (var par = new OpenAiStandIn(vertx, "hd-par")) {
            serve("chat-hd", "hd", "EU", Map.of("hd-par", new Place("FR", 48.86, 2.35, par.endpoint())));
            par.addHeaders(Map.of("x-request-id", "req-42", "x-ratelimit-remaining-requests", "99",
                    "x-ratelimit-reset-tokens", "6ms", "openai-processing-ms", "12", "set-cookie", "session=s; HttpOnly",
                    "access-control-allow-origin", "*", "access-control-allow-credentials", "true",
                    "x-powered-by", "uvicorn", "location", "https://elsewhere.example"));

            chat(ACME, "chat-hd").header("X-Flotilla-Client-Location", "paris").post("/v1/chat/completions").then()
                    .statusCode(200)
                    .header("X-Request-Id", "req-42")
                    .header("X-Ratelimit-Remaining-Requests", "99")
                    .header("X-Ratelimit-Reset-Tokens", "6ms")
                    .header("OpenAI-Processing-Ms", "12")
                    .header("Content-Type", "application/json")
                    .header("X-Content-Type-Options", "nosniff")
                    .header("Set-Cookie", nullValue())
                    .header("Access-Control-Allow-Origin", nullValue())
                    .header("Access-Control-Allow-Credentials", nullValue())
                    .header("X-Powered-By", nullValue())
                    .header("Location", nullValue())
                    .body("cluster", equalTo("hd-par"));

            given().header("Authorization", "Bearer " + ACME).get("/v1/models").then().statusCode(200)
                    .header("X-Content-Type-Options", "nosniff");
            given().get("/v1/models").then().statusCode(401).header("X-Content-Type-Options", "nosniff");
            given().header("Authorization", "Bearer " + ACME).get("/v1/no-such-thing").then().statusCode(404)
                    .header("X-Content-Type-Options", "nosniff").body("error.code", equalTo("unknown_url"))
                    .body("error.message", equalTo("Invalid URL (GET /v1/no-such-thing)"));
        }
    }

    @Test
    void aKeyOverItsRateGets429WithRetryAfterWhileOtherKeysGoOn() throws Exception {
        try (var par = new OpenAiStandIn(vertx, "rl-par")) {
            serve("chat-rl", "rl", "EU", Map.of("rl-par", new Place("FR", 48.86, 2.35, par.endpoint())));

            // the test profile gives sk-test-limited bursts of 2 and one more request per 20 s
            for (int i = 0; i < 2; i++) {
                chat(LIMITED, "chat-rl").header("X-Flotilla-Client-Location", "paris").post("/v1/chat/completions").then()
                        .statusCode(200);
            }
            String retryAfter = chat(LIMITED, "chat-rl").header("X-Flotilla-Client-Location", "paris")
                    .post("/v1/chat/completions").then()
                    .statusCode(429)
                    .body("error.type", equalTo("rate_limit_exceeded"))
                    .body("error.code", equalTo("rate_limit_exceeded"))
                    .body("error.message", containsString("0.05 per second, bursts of 2"))
                    .extract().header("Retry-After");
            assertThat(Integer.parseInt(retryAfter)).isBetween(1, 20);
            assertThat(par.requests()).isEqualTo(2);

            chat(ACME, "chat-rl").header("X-Flotilla-Client-Location", "paris").post("/v1/chat/completions").then()
                    .statusCode(200);
            assertThat(given().get("/q/metrics").then().extract().asString())
                    .contains("flotilla_router_rejections_total{reason=\"rate_limit_exceeded\"}");
        }
    }

    @Test
    void aKeyAtItsConcurrencyLimitGets429UntilItsStreamEnds() throws Exception {
        try (var par = new OpenAiStandIn(vertx, "cc-par")) {
            serve("chat-cc", "cc", "EU", Map.of("cc-par", new Place("FR", 48.86, 2.35, par.endpoint())));

            // sk-test-single may have one request in flight: a stream held open by the stand-in
            InputStream stream = openStream(SINGLE, "chat-cc");
            assertThat(CompletableFuture.supplyAsync(() -> readEvent(stream)).get(10, TimeUnit.SECONDS)).contains("hello");

            chat(SINGLE, "chat-cc").header("X-Flotilla-Client-Location", "paris").post("/v1/chat/completions").then()
                    .statusCode(429)
                    .header("Retry-After", "1")
                    .body("error.code", equalTo("concurrency_limit_exceeded"))
                    .body("error.message", containsString("at most 1 at a time"));
            chat(ACME, "chat-cc").header("X-Flotilla-Client-Location", "paris").post("/v1/chat/completions").then()
                    .statusCode(200);

            par.releaseStream();
            assertThat(CompletableFuture.supplyAsync(() -> readEvent(stream)).get(10, TimeUnit.SECONDS)).contains("from cc-par");
            assertThat(CompletableFuture.supplyAsync(() -> readEvent(stream)).get(10, TimeUnit.SECONDS)).isEqualTo("data: [DONE]");
            stream.close();
            await().atMost(WAIT).untilAsserted(() -> chat(SINGLE, "chat-cc").header("X-Flotilla-Client-Location", "paris")
                    .post("/v1/chat/completions").then().statusCode(200));
        }
    }

    @Test
    void aClusterThatNeverAnswersIsCutAfterTheFirstByteTimeoutAndFailedOverThen504() throws Exception {
        try (var fra = new OpenAiStandIn(vertx, "fb-fra"); var par = new OpenAiStandIn(vertx, "fb-par")) {
            serve("chat-fb", "fb", "EU", Map.of("fb-fra", new Place("DE", 50.11, 8.68, fra.endpoint()),
                    "fb-par", new Place("FR", 48.86, 2.35, par.endpoint())));
            fra.hang();

            // the test profile's first-byte timeout is 3 s
            chat(ACME, "chat-fb").header("X-Flotilla-Client-Location", "frankfurt").post("/v1/chat/completions").then()
                    .statusCode(200).header("X-Flotilla-Cluster", "fb-par")
                    .header("X-Flotilla-Route-Reason", containsString("failed over from fb-fra: no response within 3000 ms"));
            await().atMost(WAIT).until(() -> fra.cutShort() == 1);

            par.hang();
            chat(ACME, "chat-fb").header("X-Flotilla-Client-Location", "frankfurt").post("/v1/chat/completions").then()
                    .statusCode(504)
                    .header("X-Flotilla-Cluster", nullValue())
                    .body("error.type", equalTo("server_error"))
                    .body("error.code", equalTo("upstream_timeout"))
                    .body("error.message", containsString("fb-par: no response within 3000 ms"));
            await().atMost(WAIT).until(() -> fra.cutShort() == 2 && par.cutShort() == 1);
        }
    }

    @Test
    void anAnswerThatStallsAfterItsFirstByteIsEndedAndTheClusterCut() throws Exception {
        try (var par = new OpenAiStandIn(vertx, "id-par")) {
            serve("chat-id", "id", "EU", Map.of("id-par", new Place("FR", 48.86, 2.35, par.endpoint())));

            // a stream: its first event, then nothing (never released); after the 3 s idle timeout an error event ends it
            InputStream stream = openStream(ACME, "chat-id");
            assertThat(CompletableFuture.supplyAsync(() -> readEvent(stream)).get(10, TimeUnit.SECONDS)).contains("hello");
            String cut = CompletableFuture.supplyAsync(() -> readEvent(stream)).get(15, TimeUnit.SECONDS);
            assertThat(cut).startsWith("data: {\"error\":").contains("\"code\":\"upstream_idle_timeout\"")
                    .contains("id-par sent nothing for 3000 ms");
            assertThat(CompletableFuture.supplyAsync(() -> readEvent(stream)).get(10, TimeUnit.SECONDS))
                    .as("the stream is closed").isEmpty();
            stream.close();
            await().atMost(WAIT).until(() -> par.cutShort() == 1);

            // a body of known length that stops: it cannot be ended cleanly, so the client's connection is dropped
            par.stallMidBody();
            CompletableFuture<HttpResponse<String>> partial = HttpClient.newHttpClient().sendAsync(
                    HttpRequest.newBuilder(chatUri).header("Authorization", "Bearer " + ACME)
                            .header("Content-Type", "application/json").header("X-Flotilla-Client-Location", "paris")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"chat-id\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(partial).failsWithin(Duration.ofSeconds(15)).withThrowableOfType(ExecutionException.class)
                    .withCauseInstanceOf(IOException.class);
            await().atMost(WAIT).until(() -> par.cutShort() == 2);
            assertThat(given().get("/q/metrics").then().extract().asString())
                    .contains("flotilla_router_stalls_total{cluster=\"id-par\"} 2.0");
        }
    }

    private HttpResponse<String> post(Map<String, String> headers, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(chatUri).POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A streamed chat request from Paris whose answer has arrived up to its headers. */
    private InputStream openStream(String key, String model) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(chatUri)
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .header("X-Flotilla-Client-Location", "paris")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model
                        + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .build();
        HttpResponse<InputStream> response = HttpClient.newHttpClient()
                .sendAsync(request, HttpResponse.BodyHandlers.ofInputStream()).get(10, TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        return response.body();
    }

    private void serve(String alias, String suite, String jurisdictions, Map<String, Place> clusters) throws Exception {
        RouterFixtures.serve(brokerPort, alias, suite, jurisdictions, clusters);
    }

    /** A loopback port nothing listens on: connecting is refused at once. */
    private static String deadEndpoint() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }
    }

    /** One server-sent event, without its blank-line terminator. */
    private static String readEvent(InputStream in) {
        try {
            var event = new ByteArrayOutputStream();
            int previous = -1;
            int b;
            while ((b = in.read()) != -1) {
                if (b == '\n' && previous == '\n') {
                    break;
                }
                event.write(b);
                previous = b;
            }
            return event.toString(StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
