package io.flotilla.controlplane.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Tokens for tests that run with authentication on ({@link AuthEnabledProfile}). */
public final class ApiTokens {

    private ApiTokens() {
    }

    public static String admin() {
        try {
            return Files.readString(Path.of(AuthEnabledProfile.DATA_DIR, "admin-token")).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A new token with {@code role}, created by the bootstrap admin. */
    public static String create(String name, String role) {
        return created(name, role).path("token");
    }

    /** An admin token that was valid and is revoked now. */
    public static String revoked(String name) {
        ExtractableResponse<Response> created = created(name, "admin");
        given().auth().oauth2(admin()).delete("/api/v1/tokens/" + created.path("id")).then().statusCode(200);
        return created.path("token");
    }

    private static ExtractableResponse<Response> created(String name, String role) {
        return given().auth().oauth2(admin()).contentType(ContentType.JSON)
                .body("{\"name\":\"" + name + "\",\"role\":\"" + role + "\"}")
                .post("/api/v1/tokens").then().statusCode(201).body("role", equalTo(role))
                .extract();
    }
}
