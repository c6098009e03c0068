package io.flotilla.fleetctl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Optional;

/**
 * A thin client for the control plane's REST API. Every failure becomes a {@link CliException}: an answer
 * of 4xx exits 1, an answer of 5xx or no answer at all exits 3, with a message that names the server.
 */
public final class ApiClient implements AutoCloseable {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final String base;
    private final Optional<String> token;
    private final HttpClient http;

    public ApiClient(URI server, Optional<String> token) {
        String s = server.toString();
        this.base = s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
        this.token = token;
        this.http = HttpClient.newBuilder()
                // HTTP/1.1: no h2c upgrade dance on plain http, and nothing here needs multiplexing
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    public String server() {
        return base;
    }

    /** Encodes one query-parameter value or one path segment. */
    public static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    public JsonNode get(String pathAndQuery) {
        return send("GET", pathAndQuery, null, null);
    }

    /**
     * Every item of a paged listing: pages of {@code pageSize}, each asked with the continue token the one before
     * gave (its {@code X-Continue} header), until a page comes without one.
     */
    public ArrayNode getAllPages(String path, int pageSize) {
        ArrayNode all = Json.MAPPER.createArrayNode();
        String first = path + (path.contains("?") ? "&" : "?") + "limit=" + pageSize;
        String next = first;
        while (true) {
            Answer page = exchange("GET", next, null, null);
            if (!page.body().isArray()) {
                throw new CliException(ExitCodes.UNAVAILABLE, "the Flotilla server at " + base + " answered GET "
                        + pathOnly(path) + " with something that is not a list");
            }
            page.body().forEach(all::add);
            Optional<String> token = page.headers().firstValue("X-Continue");
            if (token.isEmpty()) {
                return all;
            }
            next = first + "&continue=" + encode(token.get());
        }
    }

    public JsonNode delete(String pathAndQuery) {
        return send("DELETE", pathAndQuery, null, null);
    }

    public JsonNode post(String pathAndQuery, String contentType, String body) {
        return send("POST", pathAndQuery, contentType, body);
    }

    private JsonNode send(String method, String pathAndQuery, String contentType, String body) {
        return exchange(method, pathAndQuery, contentType, body).body();
    }

    private record Answer(JsonNode body, HttpHeaders headers) {
    }

    private Answer exchange(String method, String pathAndQuery, String contentType, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + pathAndQuery))
                .timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
        String what = method + " " + pathOnly(pathAndQuery);
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpConnectTimeoutException e) {
            throw unreachable("no connection within " + CONNECT_TIMEOUT.toSeconds() + "s");
        } catch (HttpTimeoutException e) {
            throw new CliException(ExitCodes.UNAVAILABLE, "the Flotilla server at " + base + " did not answer " + what
                    + " within " + REQUEST_TIMEOUT.toSeconds() + "s");
        } catch (ConnectException e) {
            throw unreachable(e.getMessage() == null || e.getMessage().isBlank() ? "connection refused" : e.getMessage());
        } catch (IOException e) {
            throw unreachable(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable("interrupted");
        }
        int status = response.statusCode();
        String text = response.body() == null ? "" : response.body();
        if (status >= 200 && status < 300) {
            if (text.isBlank()) {
                return new Answer(MissingNode.getInstance(), response.headers());
            }
            try {
                return new Answer(Json.MAPPER.readTree(text), response.headers());
            } catch (JsonProcessingException e) {
                throw new CliException(ExitCodes.UNAVAILABLE, "the Flotilla server at " + base + " answered " + what
                        + " with something that is not JSON: " + abbreviate(text));
            }
        }
        throw httpError(status, what, text);
    }

    private CliException unreachable(String reason) {
        return new CliException(ExitCodes.UNAVAILABLE, "cannot reach the Flotilla server at " + base + " (" + reason
                + "); is it running? Set --server or " + Environment.SERVER_VARIABLE + " to point fleetctl elsewhere");
    }

    private CliException httpError(int status, String what, String text) {
        String message = null;
        var details = new ArrayList<String>();
        try {
            JsonNode error = Json.MAPPER.readTree(text);
            if (error != null && error.isObject()) {
                message = Json.text(error, "error");
                error.path("details").forEach(d -> details.add(d.isTextual() ? d.asText() : d.toString()));
            }
        } catch (JsonProcessingException e) {
            // not the API's error shape: show the start of whatever came back
        }
        if (message == null || message.isBlank()) {
            message = text.isBlank() ? "no details" : abbreviate(text);
        }
        String hint = status == 401 ? " (pass --token, set " + Environment.TOKEN_VARIABLE + " or run where ./data/admin-token exists)" : "";
        int exit = status >= 400 && status < 500 ? ExitCodes.REJECTED : ExitCodes.UNAVAILABLE;
        return new CliException(exit, message + hint + " (HTTP " + status + " from " + what + " at " + base + ")", details);
    }

    private static String pathOnly(String pathAndQuery) {
        int q = pathAndQuery.indexOf('?');
        return q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
    }

    private static String abbreviate(String text) {
        String oneLine = text.strip().replaceAll("\\s+", " ");
        return oneLine.length() <= 300 ? oneLine : oneLine.substring(0, 300) + "...";
    }

    @Override
    public void close() {
        http.close();
    }
}
