package io.flotilla.controlplane.api;

import static io.flotilla.controlplane.ApiFixtures.apply;
import static io.flotilla.controlplane.ApiFixtures.cluster;
import static io.flotilla.controlplane.ApiFixtures.controlPlaneKey;
import static io.flotilla.controlplane.ApiFixtures.policy;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.in;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

import io.flotilla.controlplane.MqttTestClient;
import io.flotilla.controlplane.TestAgents;
import io.flotilla.controlplane.support.ChangeStages;
import io.flotilla.proto.EnvelopeCodec;
import io.flotilla.proto.Topics;
import io.flotilla.proto.v1.ClusterStatus;
import io.flotilla.proto.v1.DesiredState;
import io.flotilla.proto.v1.WorkloadCondition;
import io.flotilla.proto.v1.WorkloadStatus;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Policies through the REST API, on the default test profile (no agents: every cluster counts as READY).
 * Each test works on its own clusters, told apart by a {@code suite} label its policies select, so that the
 * tests share one fleet without seeing each other's placements.
 */
@QuarkusTest
class PolicyApiTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @ConfigProperty(name = "flotilla.broker.port")
    int brokerPort;

    @Inject
    MeterRegistry metrics;

    @Test
    void euPolicyIsPlacedOnlyOnEuClustersWhoseAgentsReceiveIt() throws Exception {
        cluster("a-fra", "DE", 50.11, 8.68, "a");
        cluster("a-par", "FR", 48.86, 2.35, "a");
        cluster("a-nyc", "US", 40.71, -74.01, "a");
        cluster("a-bom", "IN-MH", 19.08, 72.88, "a");

        apply(policy("chat-a", "a", "EU", 2, 3, "vllm/vllm-openai:v0.8.5"), false).statusCode(200)
                .body("dryRun", equalTo(false))
                .body("results[0].name", equalTo("chat-a"))
                .body("results[0].action", equalTo("created"))
                .body("results[0].revision", equalTo(1))
                .body("results[0].placement.satisfied", equalTo(true))
                .body("results[0].placement.chosen.cluster", containsInAnyOrder("a-fra", "a-par"))
                .body("results[0].placement.chosen[0].scores.steadiness", notNullValue());

        given().get("/api/v1/policies/chat-a/placement").then().statusCode(200)
                .body("policy", equalTo("chat-a"))
                .body("revision", equalTo(1))
                .body("reason", equalTo(null))
                .body("chosen.jurisdiction", containsInAnyOrder("DE", "FR"))
                .body("chosen[0].replicas", equalTo(1))
                .body("excluded.find { it.cluster == 'a-nyc' }.reasons", hasItem("jurisdiction US is not in [EU]"))
                .body("excluded.find { it.cluster == 'a-bom' }.reasons", hasItem("jurisdiction IN-MH is not in [EU]"))
                .body("excluded.find { it.cluster == 'a-nyc' }.jurisdiction", equalTo("US"))
                .body("excludedBySource.jurisdiction", greaterThanOrEqualTo(2))
                .body("excludedTotal", equalTo(given().get("/api/v1/policies/chat-a/placement").path("excluded.size()")));
        given().get("/api/v1/policies").then().statusCode(200)
                .body("find { it.name == 'chat-a' }.chosenClusters", equalTo(2))
                .body("find { it.name == 'chat-a' }.satisfied", equalTo(true))
                .body("find { it.name == 'chat-a' }.alias", equalTo("chat-a"))
                .body("find { it.name == 'chat-a' }.jurisdictions", equalTo(List.of("EU")));

        given().get("/api/v1/clusters/a-fra").then().statusCode(200)
                .body("capacity.gpus[0].model", equalTo("L4"))
                .body("desiredGeneration", equalTo(1))
                .body("workloads[0].name", equalTo("chat-a"))
                .body("workloads[0].desired.policy", equalTo("chat-a"))
                .body("workloads[0].desired.replicas", equalTo(1))
                .body("workloads[0].desired.resources.cpu", equalTo("4"));
        given().get("/api/v1/clusters/a-nyc").then().body("desiredGeneration", equalTo(0)).body("workloads", empty());

        EnvelopeCodec agentSide = EnvelopeCodec.builder("test").trust(controlPlaneKey()).build();
        try (MqttTestClient agent = new MqttTestClient(brokerPort)) {
            agent.subscribe(Topics.desired("a-par"));
            await().atMost(WAIT).until(() -> agent.last(Topics.desired("a-par")) != null);
            DesiredState state = agentSide.decode(agent.last(Topics.desired("a-par")), "a-par",
                    DesiredState.getDefaultInstance()).payload();
            assertThat(state.getGeneration()).isEqualTo(1);
            assertThat(state.getWorkloads(0).getName()).isEqualTo("chat-a");
            assertThat(state.getWorkloads(0).getPolicy()).isEqualTo("chat-a");
            assertThat(state.getWorkloads(0).getResources().getGpuMemoryMib()).isEqualTo(24 * 1024);
        }
    }

    @Test
    void aPolicyChangeIsTimedAtEveryStageFromTheApiToTheBrokersAcknowledgement() {
        cluster("t-fra", "DE", 50.11, 8.68, "t");
        cluster("t-par", "FR", 48.86, 2.35, "t");
        var before = new java.util.HashMap<String, Long>();
        for (ChangeStages.Stage stage : ChangeStages.Stage.values()) {
            before.put(stage.tag(), stageCount(stage));
        }

        apply(policy("chat-t", "t", "EU", 2, 2, "vllm/vllm-openai:v0.8.5"), false).statusCode(200);

        assertThat(stageCount(ChangeStages.Stage.API) - before.get("api")).isEqualTo(1);
        assertThat(stageCount(ChangeStages.Stage.PLACEMENT) - before.get("placement")).isGreaterThanOrEqualTo(1);
        assertThat(stageCount(ChangeStages.Stage.COMMIT) - before.get("commit")).isGreaterThanOrEqualTo(1);
        assertThat(stageCount(ChangeStages.Stage.COMPILE_SIGN) - before.get("compile-sign")).isGreaterThanOrEqualTo(2);
        assertThat(stageCount(ChangeStages.Stage.OUTBOX_WRITE) - before.get("outbox-write")).isGreaterThanOrEqualTo(2);
        // acknowledged by the embedded broker after the commit
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(stageCount(ChangeStages.Stage.PUBLISH_ACK) - before.get("publish-ack")).isGreaterThanOrEqualTo(2);
            assertThat(stageCount(ChangeStages.Stage.OUTBOX_TO_ACK) - before.get("outbox-to-ack")).isGreaterThanOrEqualTo(2);
        });
        assertThat(metrics.get("flotilla.change.stage").tag("stage", "api").timer().max(java.util.concurrent.TimeUnit.NANOSECONDS))
                .isPositive();
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("flotilla_change_stage_seconds{stage=\"outbox-to-ack\",quantile=\"0.99\"}"))
                .body(containsString("flotilla_placement_engine_seconds_count{mode=\"full\"}"));
    }

    private long stageCount(ChangeStages.Stage stage) {
        return metrics.get("flotilla.change.stage").tag("stage", stage.tag()).timer().count();
    }

    @Test
    void reapplyingAnUnchangedPolicyStoresNothingAndAChangeMakesARevisionWithItsDiff() {
        cluster("b-fra", "DE", 50.11, 8.68, "b");
        String v1 = policy("chat-b", "b", "EU", 1, 1, "vllm/vllm-openai:v0.8.5");
        apply(v1, false).statusCode(200).body("results[0].action", equalTo("created"));
        given().get("/api/v1/clusters/b-fra").then().body("desiredGeneration", equalTo(1));

        apply(v1, false).statusCode(200)
                .body("results[0].action", equalTo("unchanged"))
                .body("results[0].revision", equalTo(1))
                .body("results[0].diff", equalTo(""));
        given().get("/api/v1/clusters/b-fra").then().body("desiredGeneration", equalTo(1));

        apply(policy("chat-b", "b", "EU", 1, 1, "vllm/vllm-openai:v0.9.0"), false).statusCode(200)
                .body("results[0].action", equalTo("updated"))
                .body("results[0].revision", equalTo(2))
                .body("results[0].diff", allOf(startsWith("--- chat-b revision 1\n+++ chat-b revision 2\n"),
                        containsString("-    image: vllm/vllm-openai:v0.8.5\n"), containsString("+    image: vllm/vllm-openai:v0.9.0\n")));
        given().get("/api/v1/clusters/b-fra").then()
                .body("desiredGeneration", equalTo(2))
                .body("workloads[0].desired.image", equalTo("vllm/vllm-openai:v0.9.0"));

        given().get("/api/v1/policies/chat-b").then().statusCode(200)
                .body("revision", equalTo(2)).body("yaml", containsString("image: vllm/vllm-openai:v0.9.0"));
        given().get("/api/v1/policies/chat-b/revisions").then().statusCode(200)
                .body("revision", equalTo(List.of(1, 2)))
                .body("[1].diff", containsString("+    image: vllm/vllm-openai:v0.9.0"));
        given().get("/api/v1/policies/chat-b/revisions/1").then().statusCode(200)
                .body("name", equalTo("chat-b")).body("yaml", containsString("v0.8.5"));
        given().get("/api/v1/policies/chat-b/revisions/7").then().statusCode(404)
                .body("error", equalTo("policy 'chat-b' has no revision 7"));
    }

    @Test
    void dryRunAnswersWhatWouldChangeAndStoresNothing() {
        cluster("c-fra", "DE", 50.11, 8.68, "c");
        apply(policy("chat-c", "c", "DE", 1, 1, "vllm/vllm-openai:v0.8.5"), true).statusCode(200)
                .body("dryRun", equalTo(true))
                .body("results[0].action", equalTo("created"))
                .body("results[0].revision", equalTo(1))
                .body("results[0].diff", containsString("+  name: chat-c"))
                .body("results[0].placement.chosen.cluster", equalTo(List.of("c-fra")));

        given().get("/api/v1/policies/chat-c").then().statusCode(404).body("error", equalTo("policy 'chat-c' does not exist"));
        given().get("/api/v1/policies/chat-c/placement").then().statusCode(404);
        given().get("/api/v1/clusters/c-fra").then().body("desiredGeneration", equalTo(0)).body("workloads", empty());
    }

    @Test
    void invalidPolicySetIsRejectedWithEveryErrorAtLineAndColumn() {
        String broken = policy("chat-x", "x", "EU", 2, 1, "img").replace("image: img", "imgae: img");
        given().contentType("application/yaml").body(broken.getBytes(StandardCharsets.UTF_8)).post("/api/v1/policies?source=chat.yaml")
                .then().statusCode(400).contentType(ContentType.JSON)
                .body("status", equalTo(400))
                .body("error", equalTo("policy set is invalid"))
                .body("details", hasItems(
                        matchesPattern("chat\\.yaml:\\d+:\\d+: spec\\.workload\\.imgae: unknown field, did you mean 'image'\\?"),
                        matchesPattern("chat\\.yaml:\\d+:\\d+: spec\\.placement\\.maxClusters: must be >= minClusters \\(got 1 < 2\\)")));
        given().get("/api/v1/policies/chat-x").then().statusCode(404);

        given().contentType(ContentType.JSON).body("{\"apiVersion\": \"flotilla.io/v1alpha1\"").post("/api/v1/policies")
                .then().statusCode(400).body("details[0]", startsWith("request:"));
    }

    /** As kubectl's "no objects passed to apply": a body without a policy would otherwise be a 200 that did nothing. */
    @Test
    void aBodyWithoutAPolicyIsRejectedAsNothingToApply() {
        String expected = "console.yaml:1:1: no policy in the request body (it is empty, or holds only comments or '---')";
        for (String body : new String[] {"", "---\n", "# nothing yet\n---\n# still nothing\n", "  \n\n"}) {
            for (boolean dryRun : new boolean[] {false, true}) {
                given().contentType("application/yaml").body(body.getBytes(StandardCharsets.UTF_8))
                        .post("/api/v1/policies?source=console.yaml&dryRun=" + dryRun)
                        .then().statusCode(400).contentType(ContentType.JSON)
                        .body("status", equalTo(400))
                        .body("error", equalTo("nothing to apply: no policy in the request body"))
                        .body("details", equalTo(List.of(expected)));
            }
        }
        given().contentType(ContentType.JSON).body("[]").post("/api/v1/policies")
                .then().statusCode(400).body("details", equalTo(List.of(
                        "request:1:1: no policy in the request body (it is empty, or holds only comments or '---')")));
    }

    @Test
    void secretReferencesReachTheAgentAsReferencesAndPlainCredentialsDrawAWarning() throws Exception {
        cluster("s-fra", "DE", 50.11, 8.68, "s");
        String yaml = policy("chat-s", "s", "DE", 1, 1, "vllm/vllm-openai:v0.8.5").replace("    resources:",
                "    env:\n"
                + "      - { name: HF_TOKEN, secretKeyRef: { name: hf, key: token } }\n"
                + "      - { name: API_KEY, value: not-so-secret }\n"
                + "    resources:");

        given().contentType("application/yaml").body(yaml.getBytes(StandardCharsets.UTF_8)).post("/api/v1/policies?source=chat.yaml")
                .then().statusCode(200)
                .body("results[0].action", equalTo("created"))
                .body("warnings", hasSize(1))
                .body("warnings[0]", startsWith("chat.yaml:11:33: warning: spec.workload.env[1].value: 'API_KEY' looks like a credential"))
                .body("warnings[0]", containsString("secretKeyRef"));
        given().get("/api/v1/clusters/s-fra").then().statusCode(200)
                .body("workloads[0].desired.secretEnv.HF_TOKEN.name", equalTo("hf"))
                .body("workloads[0].desired.secretEnv.HF_TOKEN.key", equalTo("token"))
                .body("workloads[0].desired.env.HF_TOKEN", equalTo(null));

        EnvelopeCodec agentSide = EnvelopeCodec.builder("test").trust(controlPlaneKey()).build();
        try (MqttTestClient agent = new MqttTestClient(brokerPort)) {
            agent.subscribe(Topics.desired("s-fra"));
            await().atMost(WAIT).until(() -> agent.last(Topics.desired("s-fra")) != null);
            var chat = agentSide.decode(agent.last(Topics.desired("s-fra")), "s-fra", DesiredState.getDefaultInstance())
                    .payload().getWorkloads(0);
            assertThat(chat.getSecretEnvMap()).containsOnlyKeys("HF_TOKEN");
            assertThat(chat.getSecretEnvMap().get("HF_TOKEN").getName()).isEqualTo("hf");
            assertThat(chat.getSecretEnvMap().get("HF_TOKEN").getKey()).isEqualTo("token");
            assertThat(chat.getEnvMap()).containsOnlyKeys("API_KEY");
        }
    }

    @Test
    void imagesFromARegistryTheFleetDoesNotAllowAreRefusedAtTheirLine() {
        // the test profile allows docker.io and registry.example
        String refused = policy("chat-r", "r", "EU", 1, 1, "ghcr.io/example/server:1");
        given().contentType("application/yaml").body(refused.getBytes(StandardCharsets.UTF_8)).post("/api/v1/policies?source=chat.yaml")
                .then().statusCode(400)
                .body("details", equalTo(List.of("chat.yaml:8:12: spec.workload.image: image 'ghcr.io/example/server:1' comes from "
                        + "ghcr.io (ghcr.io/example/server), which the fleet's image policy does not allow; allowed: docker.io, registry.example")));
        given().get("/api/v1/policies/chat-r").then().statusCode(404);
        apply(policy("chat-r", "r", "EU", 1, 1, "registry.example/chat:1"), true).statusCode(200);
    }

    @Test
    void jsonBodyMayHoldAnArrayOfPolicies() {
        String json = """
                [{"apiVersion": "flotilla.io/v1alpha1", "kind": "FleetPolicy", "metadata": {"name": "json-one"},
                  "spec": {"workload": {"model": "m", "image": "i", "resources": {"gpu": 0, "cpu": "1", "memory": "1Gi"}},
                           "placement": {"jurisdictions": ["DE"]}}},
                 {"apiVersion": "flotilla.io/v1alpha1", "kind": "FleetPolicy", "metadata": {"name": "json-two"},
                  "spec": {"workload": {"model": "m", "image": "i", "resources": {"gpu": 0, "cpu": "1", "memory": "1Gi"}},
                           "placement": {"jurisdictions": ["EU"], "minClusters": 0}}}]""";
        given().contentType(ContentType.JSON).body(json).post("/api/v1/policies?dryRun=true&source=fleet.json")
                .then().statusCode(400)
                .body("details", everyItem(startsWith("fleet.json[1]:")))
                .body("details", hasItem(containsString("spec.placement.minClusters")));
        given().contentType(ContentType.JSON).body(json.replace("\"minClusters\": 0", "\"minClusters\": 1"))
                .post("/api/v1/policies?dryRun=true").then().statusCode(200)
                .body("results.name", equalTo(List.of("json-one", "json-two")))
                .body("results.action", everyItem(equalTo("created")));
    }

    @Test
    void clusterCapacityAndTaintsAreValidatedAndShown() {
        given().contentType(ContentType.JSON)
                .body("{\"id\":\"g-bad\",\"jurisdiction\":\"DE\",\"taints\":[{\"key\":\"k\",\"effect\":\"Sometimes\"}]}")
                .post("/api/v1/clusters").then().statusCode(400)
                .body("details", hasItem(containsString("taints[].effect must be NoSchedule, PreferNoSchedule or NoExecute")));
        given().contentType(ContentType.JSON)
                .body("{\"id\":\"g-ok\",\"jurisdiction\":\"DE\",\"capacity\":{\"cpu\":\"8\"},"
                        + "\"taints\":[{\"key\":\"dedicated\",\"value\":\"inference\",\"effect\":\"NoSchedule\"}]}")
                .post("/api/v1/clusters").then().statusCode(201)
                .body("capacity.cpu", equalTo("8"))
                .body("capacity.memory", equalTo("0"))
                .body("taints[0].effect", equalTo("NoSchedule"));
    }

    @Test
    void deletedPolicyIsTakenOffItsClusters() throws Exception {
        cluster("d-fra", "DE", 50.11, 8.68, "d");
        apply(policy("chat-d", "d", "EU", 1, 1, "vllm/vllm-openai:v0.8.5"), false).statusCode(200);
        given().get("/api/v1/clusters/d-fra").then().body("desiredGeneration", equalTo(1)).body("workloads", hasSize(1));
        given().delete("/api/v1/clusters/d-fra/workloads/chat-d").then().statusCode(409)
                .body("error", containsString("placed by policy 'chat-d'"));

        given().delete("/api/v1/policies/chat-d").then().statusCode(200)
                .body("name", equalTo("chat-d")).body("deleted", equalTo(true));

        given().get("/api/v1/clusters/d-fra").then().body("desiredGeneration", equalTo(2)).body("workloads", empty());
        given().get("/api/v1/policies/chat-d").then().statusCode(404);
        given().delete("/api/v1/policies/chat-d").then().statusCode(404);
        EnvelopeCodec agentSide = EnvelopeCodec.builder("test").trust(controlPlaneKey()).build();
        try (MqttTestClient agent = new MqttTestClient(brokerPort)) {
            agent.subscribe(Topics.desired("d-fra"));
            await().atMost(WAIT).untilAsserted(() -> {
                // until the retained message arrives there is nothing to decode
                byte[] retained = agent.last(Topics.desired("d-fra"));
                assertThat(retained).as("retained desired state of d-fra").isNotNull();
                DesiredState state = agentSide.decode(retained, "d-fra", DesiredState.getDefaultInstance()).payload();
                assertThat(state.getGeneration()).isEqualTo(2);
                assertThat(state.getWorkloadsList()).isEmpty();
            });
        }
    }

    /** Found by ApiFuzzTest: a source longer than its column failed the revision's insert with a 500. */
    @Test
    void aSourceLongerThanItsColumnIsRefused() {
        given().contentType("application/yaml").body(policy("chat-src", "src", "EU", 1, 1, "vllm/vllm-openai:v0.8.5")
                        .getBytes(StandardCharsets.UTF_8))
                .post("/api/v1/policies?source=" + "s".repeat(256)).then().statusCode(400)
                .body("details", hasItem("source is at most 255 characters"));
    }

    @Test
    void newlyRegisteredClusterIsPlacedOnWithoutAnotherApply() {
        cluster("f-fra", "DE", 50.11, 8.68, "f");
        apply(policy("chat-f", "f", "EU", 2, 2, "vllm/vllm-openai:v0.8.5"), false).statusCode(200)
                .body("results[0].placement.satisfied", equalTo(false))
                .body("results[0].placement.reason", startsWith("only 1 of minClusters 2 clusters fit"));

        cluster("f-par", "FR", 48.86, 2.35, "f");
        await().atMost(WAIT).untilAsserted(() -> given().get("/api/v1/policies/chat-f/placement").then()
                .body("satisfied", equalTo(true))
                .body("chosen.cluster", containsInAnyOrder("f-fra", "f-par")));
        given().get("/api/v1/clusters/f-par").then().body("desiredGeneration", equalTo(1))
                .body("workloads[0].name", equalTo("chat-f"));
        given().get("/api/v1/clusters/f-fra").then().body("desiredGeneration", equalTo(1));
    }

    @Test
    void routeGoesToTheNearestServingClusterAndNeverOutsideTheJurisdiction() throws Exception {
        cluster("e-fra", "DE", 50.11, 8.68, "e");
        cluster("e-par", "FR", 48.86, 2.35, "e");
        cluster("e-nyc", "US", 40.71, -74.01, "e");
        apply(policy("chat-e", "e", "EU, US", 3, 3, "vllm/vllm-openai:v0.8.5"), false).statusCode(200)
                .body("results[0].placement.chosen", hasSize(3));
        try (MqttTestClient agents = new MqttTestClient(brokerPort)) {
            for (String id : List.of("e-fra", "e-par", "e-nyc")) {
                agents.publish(Topics.status(id), TestAgents.of(id).codec()
                        .encode(id, available(id, "chat-e")), false);
            }
            await().atMost(WAIT).untilAsserted(() -> route("model=chat-e&lat=40.7&lon=-74.0").statusCode(200)
                    .body("candidates", hasSize(3)));
        }

        route("model=chat-e&lat=40.7&lon=-74.0").body("model", equalTo("chat-e"))
                .body("reason", equalTo(null))
                .body("candidates[0].cluster", equalTo("e-nyc"))
                .body("candidates[0].endpoint", equalTo("http://chat-e.e-nyc:8000"))
                .body("candidates[0].policy", equalTo("chat-e"))
                .body("candidates[0].measured", equalTo(false));
        route("model=chat-e&site=paris").body("candidates[0].cluster", equalTo("e-par"));
        route("model=chat-e&lat=40.7&lon=-74.0&jurisdiction=EU")
                .body("candidates.cluster", equalTo(List.of("e-par", "e-fra")))
                .body("candidates.jurisdiction", everyItem(in(List.of("DE", "FR"))));
        route("model=chat-e&site=mumbai&jurisdiction=IN").body("candidates", empty())
                .body("reason", containsString("[IN]"));
        route("model=nothing-serves-this&site=paris").body("candidates", empty())
                .body("reason", equalTo("no cluster serves model 'nothing-serves-this'"));

        given().get("/api/v1/route?lat=1&lon=2").then().statusCode(400).body("error", containsString("model is required"));
        given().get("/api/v1/route?model=chat-e").then().statusCode(400).body("error", containsString("lat and lon, or site"));
        given().get("/api/v1/route?model=chat-e&site=pariss").then().statusCode(400)
                .body("error", containsString("unknown site 'pariss', did you mean 'paris'?"));
        given().get("/api/v1/route?model=chat-e&site=paris&jurisdiction=EU,XX").then().statusCode(400)
                .body("error", containsString("unknown jurisdiction 'XX'"));
    }

    private static ValidatableResponse route(String query) {
        return given().get("/api/v1/route?" + query).then().statusCode(200);
    }

    private static ClusterStatus available(String cluster, String workload) {
        return ClusterStatus.newBuilder().setClusterId(cluster).setAppliedGeneration(1)
                .addWorkloads(WorkloadStatus.newBuilder().setName(workload)
                        .setCondition(WorkloadCondition.WORKLOAD_CONDITION_AVAILABLE).setReadyReplicas(1)
                        .setDesiredReplicas(1).setEndpoint("http://" + workload + "." + cluster + ":8000"))
                .build();
    }

}
