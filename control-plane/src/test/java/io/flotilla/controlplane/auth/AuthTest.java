package io.flotilla.controlplane.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(AuthEnabledProfile.class)
class AuthTest {

    @Inject
    TokenService tokens;

    static String adminToken() throws Exception {
        return Files.readString(Path.of(AuthEnabledProfile.DATA_DIR, "admin-token")).trim();
    }

    private static String token(String admin, String name, String role) {
        return given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body("{\"name\":\"" + name + "\",\"role\":\"" + role + "\"}")
                .post("/api/v1/tokens").then().statusCode(201)
                .body("role", equalTo(role)).body("token", startsWith("flt_"))
                .extract().path("token");
    }

    @Test
    void firstStartWritesAnOwnerOnlyAdminTokenThatWorks() throws Exception {
        Path file = Path.of(AuthEnabledProfile.DATA_DIR, "admin-token");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        given().auth().oauth2(adminToken()).get("/api/v1/whoami").then().statusCode(200)
                .body("name", equalTo("bootstrap-admin")).body("role", equalTo("admin")).body("authEnabled", equalTo(true));
    }

    @Test
    void withoutAValidTokenTheApiAndMetricsAnswer401ButHealthOpenapiAndConsoleAreOpen() {
        given().get("/api/v1/clusters").then().statusCode(401)
                .header("WWW-Authenticate", startsWith("Bearer"))
                .body("status", equalTo(401)).body("error", containsString("admin-token"));
        given().auth().oauth2("flt_not-a-token").get("/api/v1/clusters").then().statusCode(401);
        given().header("Authorization", "Basic YWRtaW46YWRtaW4=").get("/api/v1/policies").then().statusCode(401);
        given().get("/q/metrics").then().statusCode(401);
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/openapi").then().statusCode(200);
        given().get("/").then().statusCode(200).contentType(containsString("text/html"));
        given().get("/console/app.js").then().statusCode(200);
    }

    @Test
    void rolesAreOrderedViewerOperatorAdmin() throws Exception {
        String admin = adminToken();
        String viewer = token(admin, "ci-viewer", "viewer");
        String operator = token(admin, "ci-operator", "operator");
        String cluster = "{\"id\":\"auth-1\",\"jurisdiction\":\"DE\",\"latitude\":50.1,\"longitude\":8.7}";

        given().auth().oauth2(viewer).get("/api/v1/clusters").then().statusCode(200);
        given().auth().oauth2(viewer).get("/q/metrics").then().statusCode(200);
        given().auth().oauth2(viewer).contentType(ContentType.JSON).body(cluster).post("/api/v1/clusters").then()
                .statusCode(403).body("error", containsString("needs operator"));
        // past the filter: the body is then judged (registering a cluster would change the browser test's fleet)
        given().auth().oauth2(operator).contentType(ContentType.JSON).body("{}").post("/api/v1/clusters").then()
                .statusCode(400).body("error", equalTo("request is invalid"));
        given().auth().oauth2(operator).get("/api/v1/tokens").then().statusCode(403).body("error", containsString("needs admin"));
        given().auth().oauth2(operator).get("/api/v1/enrollments").then().statusCode(403);
        given().auth().oauth2(viewer).contentType(ContentType.JSON).body("{}").post("/api/v1/enrollments").then().statusCode(403)
                .body("error", containsString("needs admin"));
        given().auth().oauth2(admin).get("/api/v1/enrollments").then().statusCode(200);
        given().auth().oauth2(admin).contentType(ContentType.JSON).body("{\"name\":\"x\",\"role\":\"root\"}")
                .post("/api/v1/tokens").then().statusCode(400).body("error", containsString("viewer, operator or admin"));
    }

    @Test
    void tokensAreListedWithoutSecretsAndRevocationTakesEffect() throws Exception {
        String admin = adminToken();
        String viewer = token(admin, "short-lived", "viewer");
        given().auth().oauth2(viewer).get("/api/v1/whoami").then().statusCode(200).body("role", equalTo("viewer"));
        String id = given().auth().oauth2(admin).get("/api/v1/tokens").then().statusCode(200)
                .body("token", everyItem(nullValue())).body("name", hasItem("short-lived"))
                .extract().path("find { it.name == 'short-lived' }.id");
        given().auth().oauth2(admin).delete("/api/v1/tokens/" + id).then().statusCode(200)
                .body("revokedAt", org.hamcrest.Matchers.notNullValue());
        given().auth().oauth2(viewer).get("/api/v1/whoami").then().statusCode(401);
        given().auth().oauth2(admin).delete("/api/v1/tokens/nope").then().statusCode(404);
    }

    @Test
    void aTokensLastUseIsListedAfterTheNextRefresh() throws Exception {
        String admin = adminToken();
        String unused = token(admin, "never-used", "viewer");
        String used = token(admin, "used-once", "operator");
        assertThat(unused).isNotEqualTo(used);
        given().auth().oauth2(admin).get("/api/v1/tokens").then()
                .body("find { it.name == 'used-once' }.lastUsedAt", nullValue());
        Instant before = Instant.now().minusSeconds(1);
        given().auth().oauth2(used).get("/api/v1/clusters").then().statusCode(200);
        tokens.reload();
        String lastUsed = given().auth().oauth2(admin).get("/api/v1/tokens").then()
                .body("find { it.name == 'never-used' }.lastUsedAt", nullValue())
                .extract().path("find { it.name == 'used-once' }.lastUsedAt");
        assertThat(Instant.parse(lastUsed)).isAfter(before);
    }

    @Test
    void theLastAdminTokenCannotBeRevoked() throws Exception {
        String admin = adminToken();
        List<String> otherAdmins = given().auth().oauth2(admin).get("/api/v1/tokens").then().statusCode(200)
                .extract().path("findAll { it.role == 'admin' && it.revokedAt == null && it.name != 'bootstrap-admin' }.id");
        otherAdmins.forEach(id -> given().auth().oauth2(admin).delete("/api/v1/tokens/" + id).then().statusCode(200));
        String id = given().auth().oauth2(admin).get("/api/v1/tokens").then().statusCode(200)
                .extract().path("find { it.name == 'bootstrap-admin' }.id");
        given().auth().oauth2(admin).delete("/api/v1/tokens/" + id).then().statusCode(409)
                .body("error", containsString("last active admin token"));
        given().auth().oauth2(admin).get("/api/v1/whoami").then().statusCode(200);
    }
}
