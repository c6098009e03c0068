package io.flotilla.controlplane;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Enrolling clusters through the API (authentication is off in this profile; AuthTest covers the admin rule). */
@QuarkusTest
class EnrollmentApiTest {

    @Inject
    AgroalDataSource dataSource;

    static ValidatableResponse enroll(String body) {
        return given().contentType(ContentType.JSON).body(body).post("/api/v1/enrollments").then();
    }

    @Test
    void enrollingRegistersTheClusterAndAnswersASnippetWithTheCredentialShownOnce() throws Exception {
        String key = given().get("/api/v1/control-plane/signing-key").then().statusCode(200).extract().path("publicKey");
        var created = enroll("""
                {"clusterId": "enr-fra-1", "jurisdiction": "DE", "site": "frankfurt", "labels": {"tier": "edge"}}""")
                .statusCode(201)
                .body("enrollment.clusterId", equalTo("enr-fra-1"))
                .body("enrollment.latitude", equalTo(50.11f))
                .body("enrollment.agentConnected", equalTo(false))
                .body("controlPlaneKey", equalTo(key))
                .body("brokerUrl", containsString("tcp://127.0.0.1:"))
                .body("startCommand", containsString("FLOTILLA_AGENT_CLUSTER_ID='enr-fra-1'"))
                .extract();
        String credential = created.path("credential");
        String snippet = created.path("snippet");
        assertThat(credential).startsWith("flc_").hasSizeGreaterThan(40);
        assertThat(snippet).contains("FLOTILLA_AGENT_CLUSTER_ID: \"enr-fra-1\"")
                .contains("FLOTILLA_AGENT_BROKER_PASSWORD: \"" + credential + "\"")
                .contains("FLOTILLA_AGENT_CONTROL_PLANE_KEY: \"" + key + "\"")
                .contains("/opt/flotilla-agent/bin/flotilla-agent")
                .doesNotContain("CHANGE-ME");

        given().get("/api/v1/clusters/enr-fra-1").then().statusCode(200)
                .body("jurisdiction", equalTo("DE")).body("health", equalTo("UNKNOWN")).body("labels.tier", equalTo("edge"));
        given().get("/api/v1/enrollments").then().statusCode(200)
                .body("clusterId", hasItem("enr-fra-1"))
                .body("find { it.clusterId == 'enr-fra-1' }", not(hasKey("credential")));

        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("select credential_hash from cluster_enrollment where cluster_id = ?")) {
            ps.setString(1, "enr-fra-1");
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo(HexFormat.of().formatHex(
                        MessageDigest.getInstance("SHA-256").digest(credential.getBytes(StandardCharsets.UTF_8))));
            }
        }

        String id = created.path("enrollment.id");
        given().delete("/api/v1/enrollments/" + id).then().statusCode(200).body("revokedAt", notNullValue());
        given().get("/api/v1/enrollments").then().body("find { it.id == '" + id + "' }.revokedAt", notNullValue());
        given().get("/api/v1/clusters/enr-fra-1").then().statusCode(200);
        given().delete("/api/v1/enrollments/no-such-id").then().statusCode(404).body("error", containsString("no-such-id"));
    }

    @Test
    void coordinatesWorkInsteadOfASite() {
        enroll("{\"clusterId\": \"enr-bom-1\", \"jurisdiction\": \"IN-MH\", \"latitude\": 19.08, \"longitude\": 72.88}")
                .statusCode(201).body("enrollment.jurisdiction", equalTo("IN-MH")).body("enrollment.revokedAt", nullValue());
    }

    @Test
    void invalidEnrollmentsAnswer400WithAReasonAndADuplicateIdAnswers409() {
        enroll("{\"clusterId\": \"Edge_1\", \"jurisdiction\": \"DE\", \"site\": \"frankfurt\"}").statusCode(400)
                .body("details[0]", containsString("clusterId must be a DNS-1123 label"));
        enroll("{\"clusterId\": \"enr-x\", \"jurisdiction\": \"XQ\", \"site\": \"frankfurt\"}").statusCode(400)
                .body("error", containsString("unknown jurisdiction 'XQ'"));
        enroll("{\"clusterId\": \"enr-x\", \"jurisdiction\": \"EU\", \"site\": \"frankfurt\"}").statusCode(400)
                .body("error", containsString("'EU' is a group"));
        enroll("{\"clusterId\": \"enr-x\", \"jurisdiction\": \"DE\"}").statusCode(400)
                .body("error", containsString("location is required"));
        enroll("{\"clusterId\": \"enr-x\", \"jurisdiction\": \"DE\", \"site\": \"atlantis\"}").statusCode(400)
                .body("error", containsString("unknown site 'atlantis'"));
        enroll("{\"clusterId\": \"enr-x\", \"jurisdiction\": \"DE\", \"site\": \"frankfurt\", \"latitude\": 1, \"longitude\": 2}")
                .statusCode(400).body("error", containsString("not both"));
        enroll("{\"clusterId\": \"enr-x\", \"jurisdiction\": \"DE\", \"latitude\": 91, \"longitude\": 2}").statusCode(400)
                .body("details[0]", containsString("latitude must be within -90..90"));
        enroll("{\"clusterId\": \"enr-x\", \"jurisdiction\": \"DE\", \"site\": \"frankfurt\", \"labels\": {\"tier\": \"edge tier!\"}}")
                .statusCode(400).body("details[0]", containsString("label values must be Kubernetes label values"));
        given().get("/api/v1/clusters/enr-x").then().statusCode(404);

        enroll("{\"clusterId\": \"enr-dup\", \"jurisdiction\": \"FR\", \"site\": \"frankfurt\"}").statusCode(201);
        enroll("{\"clusterId\": \"enr-dup\", \"jurisdiction\": \"FR\", \"site\": \"frankfurt\"}").statusCode(409)
                .body("error", containsString("'enr-dup' is already registered"));
    }
}
