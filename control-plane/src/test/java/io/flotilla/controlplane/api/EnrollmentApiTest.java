package io.flotilla.controlplane.api;

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
import io.flotilla.proto.SigningKey;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
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

    static ValidatableResponse exchange(String clusterId, String token, String publicKey) {
        return given().contentType(ContentType.JSON)
                .body("{\"clusterId\": \"" + clusterId + "\", \"bootstrapToken\": \"" + token + "\", \"publicKey\": \""
                        + publicKey + "\"}")
                .post("/api/v1/enrollments/exchange").then();
    }

    @Test
    void enrollingIssuesAOneTimeTokenThatTheAgentExchangesWithItsOwnKeyForItsCredentials() throws Exception {
        String controlPlaneKey = given().get("/api/v1/control-plane/signing-key").then().statusCode(200).extract().path("publicKey");
        var created = enroll("""
                {"clusterId": "enr-fra-1", "jurisdiction": "DE", "site": "frankfurt", "labels": {"tier": "edge"}}""")
                .statusCode(201)
                .body("enrollment.clusterId", equalTo("enr-fra-1"))
                .body("enrollment.latitude", equalTo(50.11f))
                .body("enrollment.state", equalTo("pending"))
                .body("enrollment.agentConnected", equalTo(false))
                .body("controlPlaneUrl", containsString("http://127.0.0.1:"))
                .body("startCommand", containsString("FLOTILLA_AGENT_CLUSTER_ID='enr-fra-1'"))
                .extract();
        String token = created.path("bootstrapToken");
        String snippet = created.path("snippet");
        assertThat(token).startsWith("flb_").hasSizeGreaterThan(40);
        assertThat(snippet).contains("FLOTILLA_AGENT_CLUSTER_ID: \"enr-fra-1\"")
                .contains("FLOTILLA_AGENT_BOOTSTRAP_TOKEN: \"" + token + "\"")
                .contains("FLOTILLA_AGENT_CONTROL_PLANE_URL: \"http://127.0.0.1:")
                .contains("/opt/flotilla-agent/bin/flotilla-agent")
                .doesNotContain("CHANGE-ME");
        assertThat((String) created.path("k0sHelm")).contains("clusterId: \"enr-fra-1\"")
                .contains("bootstrap-token: \"" + token + "\"");
        given().get("/api/v1/clusters/enr-fra-1").then().statusCode(200)
                .body("jurisdiction", equalTo("DE")).body("health", equalTo("UNKNOWN")).body("labels.tier", equalTo("edge"));
        given().get("/api/v1/enrollments").then().statusCode(200)
                .body("clusterId", hasItem("enr-fra-1"))
                .body("find { it.clusterId == 'enr-fra-1' }", not(hasKey("bootstrapToken")));
        assertThat(column("bootstrap_token_hash", "enr-fra-1")).isEqualTo(sha256(token));
        assertThat(column("credential_hash", "enr-fra-1")).isNull();

        SigningKey agentKey = SigningKey.generate(new SecureRandom());
        String publicKey = agentKey.verificationKey().toBase64();
        exchange("enr-other", token, publicKey).statusCode(401).body("error", containsString("not valid for cluster 'enr-other'"));
        exchange("enr-fra-1", token, "bm90LWEta2V5").statusCode(400).body("error", containsString("publicKey"));
        var answer = exchange("enr-fra-1", token, publicKey).statusCode(200)
                .body("clusterId", equalTo("enr-fra-1"))
                .body("username", equalTo("enr-fra-1"))
                .body("clientId", equalTo("flotilla-agent-enr-fra-1"))
                .body("controlPlaneKeys", hasItem(controlPlaneKey))
                .body("brokerUrl", containsString("tcp://127.0.0.1:"))
                .body("desiredStateFloor", notNullValue())
                .extract();
        String password = answer.path("password");
        assertThat(password).startsWith("flp_").hasSizeGreaterThan(40);
        assertThat(column("credential_hash", "enr-fra-1")).isEqualTo(sha256(password));
        assertThat(column("agent_public_key", "enr-fra-1")).isEqualTo(publicKey);
        given().get("/api/v1/enrollments").then()
                .body("find { it.clusterId == 'enr-fra-1' }.state", equalTo("enrolled"))
                .body("find { it.clusterId == 'enr-fra-1' }.agentKeyId", equalTo(agentKey.keyId()));

        exchange("enr-fra-1", token, SigningKey.generate(new SecureRandom()).verificationKey().toBase64()).statusCode(401)
                .body("error", containsString("already used"));
        assertThat(column("agent_public_key", "enr-fra-1")).as("the second use changed nothing").isEqualTo(publicKey);
        assertThat(count("select count(*) from audit_record where path = '/api/v1/enrollments/exchange' and status = 401 "
                + "and target = 'clusters/enr-fra-1/enrollment'")).as("refused exchanges are audited").isGreaterThanOrEqualTo(1);

        String id = created.path("enrollment.id");
        given().delete("/api/v1/enrollments/" + id).then().statusCode(200).body("state", equalTo("revoked"))
                .body("revokedAt", notNullValue());
        given().get("/api/v1/clusters/enr-fra-1").then().statusCode(200);
        given().delete("/api/v1/enrollments/no-such-id").then().statusCode(404).body("error", containsString("no-such-id"));

        // enrolled again (a rebuilt agent): the cluster id alone
        enroll("{\"clusterId\": \"enr-fra-1\", \"jurisdiction\": \"DE\", \"site\": \"frankfurt\"}").statusCode(409)
                .body("error", containsString("send its clusterId only"));
        String again = enroll("{\"clusterId\": \"enr-fra-1\"}").statusCode(201).extract().path("bootstrapToken");
        exchange("enr-fra-1", again, SigningKey.generate(new SecureRandom()).verificationKey().toBase64()).statusCode(200);
    }

    @Test
    void anExpiredTokenIsRefused() throws Exception {
        String token = enroll("{\"clusterId\": \"enr-late\", \"jurisdiction\": \"FR\", \"site\": \"paris\"}")
                .statusCode(201).extract().path("bootstrapToken");
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "update cluster_enrollment set token_expires_at = created_at where cluster_id = 'enr-late'")) {
            ps.executeUpdate();
        }
        exchange("enr-late", token, SigningKey.generate(new SecureRandom()).verificationKey().toBase64()).statusCode(401)
                .body("error", containsString("expired"));
        given().get("/api/v1/enrollments").then().body("find { it.clusterId == 'enr-late' }.state", equalTo("expired"));
    }

    private String column(String column, String clusterId) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "select " + column + " from cluster_enrollment where cluster_id = ? order by created_at desc")) {
            ps.setString(1, clusterId);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getString(1);
            }
        }
    }

    private long count(String sql) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String sha256(String value) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
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
