package io.flotilla.controlplane.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Paths × tokens: every spelling of a protected path that a client can send (matrix parameters in any segment,
 * encoded slashes, semicolons and dots, doubled slashes, other cases, a trailing slash) is either refused or not
 * routed at all, for every caller whose token is missing, revoked, malformed or too low. Requests are sent raw, with
 * the JDK's HTTP client, so that no client library normalises the path first.
 */
@QuarkusTest
@TestProfile(AuthEnabledProfile.class)
class AccessMatrixTest {

    /** A protected operation: method, canonical path, body, the role it needs, and what a caller with that role gets. */
    record Target(String method, String path, String body, String role, int allowedStatus) {
    }

    private static final List<Target> TARGETS = List.of(
            new Target("POST", "/api/v1/tokens", "{\"name\":\"matrix\",\"role\":\"viewer\"}", Roles.ADMIN, 201),
            new Target("GET", "/api/v1/tokens", null, Roles.ADMIN, 200),
            new Target("GET", "/api/v1/enrollments", null, Roles.ADMIN, 200),
            new Target("GET", "/api/v1/clusters", null, Roles.VIEWER, 200),
            new Target("DELETE", "/api/v1/policies/nope", null, Roles.OPERATOR, 404),
            new Target("GET", "/q/metrics", null, Roles.VIEWER, 200));

    private static final List<String> ROLES = List.of(Roles.VIEWER, Roles.OPERATOR, Roles.ADMIN);

    @TestHTTPResource("/")
    URL base;

    private final HttpClient http = HttpClient.newHttpClient();
    /** Authorization header value (or null) by caller name; the role, where a caller has one, is its name. */
    private final Map<String, String> callers = new LinkedHashMap<>();

    @BeforeEach
    void tokens() {
        String admin = ApiTokens.admin();
        callers.put("none", null);
        callers.put("revoked", "Bearer " + ApiTokens.revoked("matrix-revoked"));
        callers.put("malformed-empty", "Bearer ");
        callers.put("malformed-basic", "Basic YWRtaW46YWRtaW4=");
        callers.put("malformed-suffix", "Bearer " + admin + "x");
        callers.put("malformed-case", "Bearer " + admin.toUpperCase(Locale.ROOT));
        callers.put("malformed-two", "Bearer flt_a, Bearer " + admin);
        callers.put(Roles.VIEWER, "Bearer " + ApiTokens.create("matrix-viewer", Roles.VIEWER));
        callers.put(Roles.OPERATOR, "Bearer " + ApiTokens.create("matrix-operator", Roles.OPERATOR));
        callers.put(Roles.ADMIN, "Bearer " + admin);
    }

    /** The spellings of a path that must not reach it with more rights than the canonical one. */
    static List<String> spellings(String path) {
        List<String> out = new ArrayList<>();
        String[] segments = path.substring(1).split("/");
        for (int i = 0; i < segments.length; i++) {
            String[] s = segments.clone();
            s[i] = s[i] + ";x";
            out.add("/" + String.join("/", s));
            s = segments.clone();
            s[i] = s[i] + ";a=b;c";
            out.add("/" + String.join("/", s));
        }
        out.add("/;x" + path);
        out.add("/" + segments[0] + "%2F" + path.substring(segments[0].length() + 2));
        out.add("/" + segments[0] + "%2f" + path.substring(segments[0].length() + 2));
        out.add("/" + segments[0] + "%3Bx" + path.substring(segments[0].length() + 1));
        out.add("/" + segments[0] + "%3bx/" + path.substring(segments[0].length() + 2));
        out.add("/x/%2e%2e" + path);
        out.add("/x/%2E%2E" + path);
        out.add("/x/.." + path);
        out.add("/./" + path.substring(1));
        out.add("/" + segments[0] + "/x/%2e%2e" + path.substring(segments[0].length() + 1));
        out.add("/" + segments[0] + "/%2e" + path.substring(segments[0].length() + 1));
        out.add("/" + path);
        out.add(path.replace("/", "//"));
        out.add(path + "/");
        out.add(path + "//");
        out.add(path + ";x");
        out.add(path + "%00");
        out.add(path + "?x=1");
        out.add(path.toUpperCase(Locale.ROOT));
        out.add("/" + Character.toUpperCase(path.charAt(1)) + path.substring(2));
        out.add("/%" + Integer.toHexString(path.charAt(1)) + path.substring(2));
        return out;
    }

    @Test
    void noSpellingOfAProtectedPathServesACallerWithoutTheRole() throws Exception {
        SoftAssertions soft = new SoftAssertions();
        int requests = 0;
        for (Target t : TARGETS) {
            for (var caller : callers.entrySet()) {
                boolean allowed = ROLES.contains(caller.getKey()) && ROLES.indexOf(caller.getKey()) >= ROLES.indexOf(t.role());
                int canonical = send(t.method(), t.path(), caller.getValue(), t.body(), Map.of()).statusCode();
                int expected = allowed ? t.allowedStatus() : ROLES.contains(caller.getKey()) ? 403 : 401;
                soft.assertThat(canonical).as("%s %s as %s", t.method(), t.path(), caller.getKey()).isEqualTo(expected);
                requests++;
                if (allowed) {
                    continue;
                }
                for (String spelling : spellings(t.path())) {
                    HttpResponse<String> r = send(t.method(), spelling, caller.getValue(), t.body(), Map.of());
                    requests++;
                    soft.assertThat(r.statusCode()).as("%s %s as %s (answered: %s)", t.method(), spelling, caller.getKey(),
                            abbreviate(r.body())).isIn(400, 401, 403, 404, 405);
                }
            }
        }
        soft.assertAll();
        assertThat(requests).isGreaterThan(1000);
    }

    @Test
    void theReportedBypassIsRefused() throws Exception {
        HttpResponse<String> r = send("POST", "/api;x/v1/tokens", null, "{\"name\":\"x\",\"role\":\"admin\"}", Map.of());
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).doesNotContain("flt_");
        assertThat(send("GET", "/api;x/v1/clusters", null, null, Map.of()).statusCode()).isEqualTo(401);
    }

    @Test
    void otherMethodsAndMethodOverridesGiveNoMoreAccess() throws Exception {
        String viewer = callers.get(Roles.VIEWER);
        for (String path : List.of("/api/v1/tokens", "/api;x/v1/tokens", "/api/v1/clusters")) {
            assertThat(send("HEAD", path, null, null, Map.of()).statusCode()).as("HEAD %s", path).isEqualTo(401);
            HttpResponse<String> options = send("OPTIONS", path, null, null, Map.of());
            assertThat(options.statusCode() >= 300 || options.body().isEmpty()).as("OPTIONS %s answers no data: %s", path,
                    options.body()).isTrue();
            assertThat(send("TRACE", path, null, null, Map.of()).statusCode()).as("TRACE %s", path).isIn(401, 403, 404, 405);
        }
        assertThat(send("HEAD", "/api/v1/tokens", viewer, null, Map.of()).statusCode()).isEqualTo(403);
        for (String override : List.of("X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override")) {
            // a viewer's POST stays a POST (operator), whatever it claims to be
            HttpResponse<String> r = send("POST", "/api/v1/clusters", viewer, "{}", Map.of(override, "GET"));
            assertThat(r.statusCode()).as(override).isEqualTo(403);
            assertThat(send("GET", "/api/v1/tokens", viewer, null, Map.of(override, "OPTIONS")).statusCode()).as(override)
                    .isEqualTo(403);
        }
    }

    @Test
    void theConsolesStaticFilesArePublicAndCarryNoFleetData() throws Exception {
        for (String path : List.of("/", "/login.html", "/clusters.html", "/console/app.js", "/console/style.css")) {
            HttpResponse<String> r = send("GET", path, null, null, Map.of());
            assertThat(r.statusCode()).as(path).isEqualTo(200);
        }
        assertThat(send("GET", "/q/health/ready", null, null, Map.of()).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/q/openapi", null, null, Map.of()).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/q/anything-else", callers.get(Roles.ADMIN), null, Map.of()).statusCode()).isIn(403, 404);
    }

    private HttpResponse<String> send(String method, String path, String authorization, String body, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + base.getHost() + ":" + base.getPort() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String abbreviate(String body) {
        return body == null || body.length() <= 120 ? body : body.substring(0, 120) + "...";
    }
}
