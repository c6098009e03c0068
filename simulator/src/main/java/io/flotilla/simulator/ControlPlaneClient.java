package io.flotilla.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

/** The two calls the simulator makes to the control plane's REST API. */
final class ControlPlaneClient {

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    private final String token;

    /** @param token sent as a bearer token when not null (the control plane's API requires one unless auth is off) */
    ControlPlaneClient(URI base, String token) {
        this.base = base;
        this.token = token;
    }

    private HttpRequest.Builder authorised(HttpRequest.Builder request) {
        return token == null ? request : request.header("Authorization", "Bearer " + token);
    }

    /** The control plane's public signing key (base64, raw Ed25519), waiting up to {@code wait} for it to answer. */
    String signingKey(Duration wait) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(wait);
        IOException last = null;
        while (true) {
            try {
                HttpResponse<String> response = http.send(authorised(HttpRequest.newBuilder(resolve("/api/v1/control-plane/signing-key")))
                        .timeout(Duration.ofSeconds(10)).header("Accept", "application/json").GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    JsonNode key = json.readTree(response.body()).path("publicKey");
                    if (key.isTextual() && !key.asText().isBlank()) {
                        return key.asText();
                    }
                    throw new IOException("the control plane's signing key answer has no publicKey: " + response.body());
                }
                if (response.statusCode() == 401 || response.statusCode() == 403) {
                    throw new IOException("the control plane refused the API token (" + response.statusCode() + "): pass --token, "
                            + "or run where ./data/admin-token exists");
                }
                last = new IOException("GET /api/v1/control-plane/signing-key answered " + response.statusCode());
            } catch (IOException e) {
                last = e;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IOException("cannot fetch the control plane's signing key from " + base + ": "
                        + last.getMessage(), last);
            }
            Thread.sleep(1000);
        }
    }

    /**
     * Registers one cluster; an already registered one (409) counts as done. A control plane that
     * refuses the capacity field (400) is asked again without it.
     */
    void register(SimCluster cluster) throws IOException, InterruptedException {
        HttpResponse<String> response = post(cluster.registrationJson(true));
        if (response.statusCode() == 400) {
            HttpResponse<String> retry = post(cluster.registrationJson(false));
            if (ok(retry.statusCode())) {
                return;
            }
        }
        if (!ok(response.statusCode())) {
            throw new IOException("registering " + cluster.id() + " answered " + response.statusCode() + ": "
                    + response.body());
        }
    }

    /**
     * Enrolls the registered cluster (a new enrollment each time: the simulated agent makes a new key at each start)
     * and answers its one-time bootstrap token.
     */
    String bootstrapToken(SimCluster cluster) throws IOException, InterruptedException {
        HttpResponse<String> response = post("/api/v1/enrollments", "{\"clusterId\":\"" + cluster.id() + "\"}");
        if (response.statusCode() != 201) {
            throw new IOException("enrolling " + cluster.id() + " answered " + response.statusCode() + ": " + response.body());
        }
        JsonNode token = json.readTree(response.body()).path("bootstrapToken");
        if (!token.isTextual()) {
            throw new IOException("the enrollment of " + cluster.id() + " has no bootstrapToken: " + response.body());
        }
        return token.asText();
    }

    URI base() {
        return base;
    }

    private HttpResponse<String> post(String body) throws IOException, InterruptedException {
        return post("/api/v1/clusters", body);
    }

    private HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                return http.send(authorised(HttpRequest.newBuilder(resolve(path)))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .header("Accept", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                last = e;
                Thread.sleep(500L << attempt);
            }
        }
        throw last;
    }

    private static boolean ok(int status) {
        return status / 100 == 2 || status == 409;
    }

    private URI resolve(String path) {
        return URI.create(base.toString() + path);
    }
}
