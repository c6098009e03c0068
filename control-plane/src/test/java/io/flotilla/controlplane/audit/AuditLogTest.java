package io.flotilla.controlplane.audit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.flotilla.controlplane.auth.ApiTokens;
import io.flotilla.controlplane.auth.AuthEnabledProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(AuthEnabledProfile.class)
class AuditLogTest {

    private static final String POLICY = """
            apiVersion: flotilla.io/v1alpha1
            kind: FleetPolicy
            metadata:
              name: audited
            spec:
              workload:
                model: meta-llama/Llama-3.1-8B-Instruct
                image: vllm/vllm-openai:v0.8.5
                resources: { gpu: 1, gpuMemoryGiB: 24, cpu: "4", memory: 16Gi }
              placement:
                clusterSelector: { matchLabels: { suite: audited } }
                jurisdictions: [EU]
                minClusters: 1
                maxClusters: 2
            """;

    private static JsonPath audit(String query) {
        return given().auth().oauth2(ApiTokens.admin()).get("/api/v1/audit" + query).then().statusCode(200).extract().jsonPath();
    }

    @Test
    void aPolicyApplyIsRecordedWithTheTokensNameRoleTargetRevisionAndStatus() {
        String operator = ApiTokens.create("audit-operator", "operator");
        Instant before = Instant.now().minusSeconds(1);
        given().auth().oauth2(operator).contentType("text/plain").body(POLICY).post("/api/v1/policies?source=audited.yaml")
                .then().statusCode(200);

        List<Map<String, Object>> items = audit("?actor=audit-operator").getList("items");
        assertThat(items).hasSize(1);
        Map<String, Object> r = items.get(0);
        assertThat(r).containsEntry("actor", "audit-operator").containsEntry("actorRole", "operator")
                .containsEntry("method", "POST").containsEntry("path", "/api/v1/policies")
                .containsEntry("target", "policies audited").containsEntry("revision", "audited@1").containsEntry("status", 200);
        assertThat(Instant.parse((String) r.get("at"))).isAfter(before);
        given().auth().oauth2(operator).get("/api/v1/policies/audited/revisions").then().statusCode(200)
                .body("[0].appliedBy", equalTo("audit-operator"));
    }

    @Test
    void refusedCallsAreRecordedToo() {
        String viewer = ApiTokens.create("audit-viewer", "viewer");
        given().auth().oauth2(viewer).contentType("text/plain").body(POLICY).post("/api/v1/policies").then().statusCode(403);
        assertThat(audit("?actor=audit-viewer").getList("items", Map.class)).singleElement()
                .satisfies(r -> assertThat(r).containsEntry("status", 403).containsEntry("actorRole", "viewer"));

        given().contentType("application/json").body("{\"name\":\"x\",\"role\":\"admin\"}").post("/api/v1/tokens").then()
                .statusCode(401);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(audit("?actor=anonymous&target=tokens")
                .getList("items", Map.class)).anySatisfy(r -> assertThat(r).containsEntry("status", 401)
                        .containsEntry("method", "POST").containsEntry("path", "/api/v1/tokens")));
    }

    @Test
    void theLogIsPagedNewestFirstAndFilteredByTime() {
        String operator = ApiTokens.create("audit-pager", "operator");
        for (int i = 0; i < 3; i++) {
            given().auth().oauth2(operator).delete("/api/v1/policies/none-" + i).then().statusCode(404);
        }
        JsonPath first = audit("?actor=audit-pager&limit=2");
        assertThat(first.getList("items.target", String.class)).containsExactly("policies/none-2", "policies/none-1");
        JsonPath second = audit("?actor=audit-pager&limit=2&continue=" + first.getString("continueToken"));
        assertThat(second.getList("items.target", String.class)).containsExactly("policies/none-0");
        assertThat(second.getString("continueToken")).isNull();
        assertThat(audit("?actor=audit-pager&from=" + Instant.now().plusSeconds(60)).getList("items")).isEmpty();
        given().auth().oauth2(ApiTokens.admin()).get("/api/v1/audit?from=yesterday").then().statusCode(400);
    }

    @Test
    void onlyAdminsReadTheLogAndNothingChangesIt() {
        given().auth().oauth2(ApiTokens.create("audit-reader", "operator")).get("/api/v1/audit").then().statusCode(403);
        Map<String, Object> operations = given().get("/q/openapi?format=json").then().statusCode(200).extract().jsonPath()
                .getMap("paths.'/api/v1/audit'");
        assertThat(operations.keySet()).containsExactly("get");
    }
}
