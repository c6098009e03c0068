package io.flotilla.controlplane.routing;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import io.flotilla.controlplane.ApiFixtures;
import io.flotilla.controlplane.MqttTestClient;
import io.flotilla.controlplane.TestAgents;
import io.flotilla.proto.Topics;
import io.flotilla.proto.receipt.Jwks;
import io.flotilla.proto.receipt.ReceiptVerifier;
import io.flotilla.proto.v1.ClusterStatus;
import io.flotilla.proto.v1.WorkloadCondition;
import io.flotilla.proto.v1.WorkloadStatus;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** A fleet serving one alias, and requests to the router: what the router's tests share. */
final class RouterFixtures {

    static final Duration WAIT = Duration.ofSeconds(15);

    private RouterFixtures() {
    }

    /** Where a cluster is and where its model server answers. */
    record Place(String jurisdiction, double lat, double lon, String endpoint) {
    }

    /** Registers the clusters, applies a policy serving {@code alias} on all of them and reports it available there. */
    static void serve(int brokerPort, String alias, String suite, String jurisdictions, Map<String, Place> clusters)
            throws Exception {
        serve(brokerPort, alias, suite, jurisdictions, clusters, "");
    }

    /** @param routing more fields of the policy's {@code routing}, as YAML lines indented by four spaces */
    static void serve(int brokerPort, String alias, String suite, String jurisdictions, Map<String, Place> clusters,
            String routing) throws Exception {
        var ordered = new LinkedHashMap<>(clusters);
        ordered.forEach((id, p) -> ApiFixtures.cluster(id, p.jurisdiction(), p.lat(), p.lon(), suite));
        ApiFixtures.apply(ApiFixtures.policy(alias, suite, jurisdictions, clusters.size(), clusters.size(),
                "vllm/vllm-openai:v0.8.5") + routing, false).statusCode(200);
        try (MqttTestClient agents = new MqttTestClient(brokerPort)) {
            for (var c : ordered.entrySet()) {
                ClusterStatus status = ClusterStatus.newBuilder().setClusterId(c.getKey()).setAppliedGeneration(1)
                        .addWorkloads(WorkloadStatus.newBuilder().setName(alias)
                                .setCondition(WorkloadCondition.WORKLOAD_CONDITION_AVAILABLE).setReadyReplicas(1)
                                .setDesiredReplicas(1).setEndpoint(c.getValue().endpoint()))
                        .build();
                agents.publish(Topics.status(c.getKey()), TestAgents.of(c.getKey()).codec()
                        .encode(c.getKey(), status), false);
            }
            await().atMost(WAIT).untilAsserted(() -> given().get("/api/v1/route?model=" + alias + "&site=paris").then()
                    .statusCode(200).body("candidates", hasSize(clusters.size())));
        }
    }

    static RequestSpecification chat(String key, String model) {
        return given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON)
                .body("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    }

    /** A verifier over the control plane's published key set, as a customer would build it from the saved JWKS. */
    static ReceiptVerifier publishedKeys() {
        return new ReceiptVerifier(Jwks.parse(given().get("/api/v1/receipts/keys").then().statusCode(200)
                .body("keys[0].kty", equalTo("OKP")).body("keys[0].crv", equalTo("Ed25519"))
                .extract().asString()));
    }
}
