package io.flotilla.controlplane.routing;

import io.flotilla.policy.AllowedJurisdictions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every answer the router gives itself, in OpenAI's error shape: {@code {"error": {"message", "type", "param",
 * "code"}}}, which OpenAI's clients raise as errors. Each kind of refusal or failure is built here, with its status,
 * the reason it counts under in the metrics, and the headers that go with it.
 */
final class OpenAiErrors {

    /**
     * One error answer.
     *
     * @param metric the reason it counts under in {@code flotilla.router.rejections}
     * @param headers set on the answer besides Content-Type (at most a few: WWW-Authenticate, Retry-After, ...)
     */
    record Rejection(int status, String message, String type, String param, String code, String metric,
            Map<String, String> headers) {

        Rejection {
            headers = Map.copyOf(headers);
        }

        /** The JSON body: {@code {"error": {...}}}. */
        String body() {
            return new JsonObject().put("error", error(message, type, param, code)).encode();
        }
    }

    private static final String INVALID_REQUEST = "invalid_request_error";
    private static final String SERVER_ERROR = "server_error";

    private OpenAiErrors() {
    }

    static Rejection keysNotConfigured() {
        return new Rejection(401, "API keys are required: this router is reachable beyond loopback and has none "
                + "configured, so it refuses every request", INVALID_REQUEST, null, "api_keys_not_configured",
                "api_keys_not_configured", Map.of("WWW-Authenticate", "Bearer"));
    }

    /** @param keyGiven whether the request carried an Authorization header at all */
    static Rejection invalidApiKey(boolean keyGiven) {
        return new Rejection(401, keyGiven ? "invalid API key" : "an API key is required: Authorization: Bearer KEY",
                INVALID_REQUEST, null, "invalid_api_key", "unauthorized", Map.of("WWW-Authenticate", "Bearer"));
    }

    static Rejection limited(KeyLimits.Refusal refusal) {
        return new Rejection(429, refusal.message(), "rate_limit_exceeded", null, refusal.code(), refusal.code(),
                Map.of("Retry-After", Long.toString(refusal.retryAfterSeconds())));
    }

    static Rejection unsupportedMediaType(String contentType) {
        return new Rejection(415, (contentType == null ? "no Content-Type" : "Content-Type '" + headerSafe(contentType) + "'")
                + ": the request body must be JSON (Content-Type: application/json)", INVALID_REQUEST, null,
                "unsupported_media_type", "unsupported_media_type", Map.of());
    }

    static Rejection tooLarge(long maxBodyBytes) {
        return new Rejection(413, "request body exceeds the limit of " + maxBodyBytes + " bytes", INVALID_REQUEST, null,
                "request_too_large", "too_large", Map.of());
    }

    static Rejection invalidBody(InferenceRequestBody.Invalid e) {
        return new Rejection(400, e.getMessage(), INVALID_REQUEST, e.param, e.code, e.code, Map.of());
    }

    /** @param problems what is wrong with each code given; empty when the header named none */
    static Rejection invalidJurisdiction(String header, List<String> problems) {
        return new Rejection(400, header + ": " + (problems.isEmpty() ? "no jurisdiction given" : String.join("; ", problems)),
                INVALID_REQUEST, null, "invalid_jurisdiction", "invalid_jurisdiction", Map.of());
    }

    static Rejection jurisdictionNotPermitted(String header, AllowedJurisdictions requested, String tenant,
            AllowedJurisdictions ceiling) {
        return new Rejection(403, header + " " + requested + " reaches beyond tenant " + tenant + "'s jurisdictions "
                + ceiling + "; a request may only narrow them", "permission_error", null, "jurisdiction_not_permitted",
                "jurisdiction_not_permitted", Map.of());
    }

    static Rejection invalidLocation(String header, String problem) {
        return new Rejection(400, header + ": " + problem, INVALID_REQUEST, null, "invalid_location", "invalid_location",
                Map.of());
    }

    static Rejection unknownLocation(String header) {
        return new Rejection(400, "the client's location is unknown: send " + header
                + " (lat,lon or a site name), or configure flotilla.router.client-networks or "
                + "flotilla.router.default-location", INVALID_REQUEST, null, "unknown_location", "unknown_location", Map.of());
    }

    static Rejection unknownModel(String model, Set<String> aliases) {
        return new Rejection(404, "model '" + model + "' does not exist: no policy has it as its routing alias (known: "
                + aliases + ")", INVALID_REQUEST, "model", "model_not_found", "unknown_model", Map.of());
    }

    static Rejection unknownUrl(String method, String path) {
        return new Rejection(404, "Invalid URL (" + method + " " + headerSafe(path) + ")", INVALID_REQUEST, null,
                "unknown_url", "unknown_url", Map.of());
    }

    /** Nowhere to send the request (503); {@code code} says why, and the reason travels in a header too. */
    static Rejection unavailable(String reason, String code) {
        return new Rejection(503, reason, "service_unavailable", null, code, code, reasonHeader(reason));
    }

    /** Every cluster tried failed, none answering in time. */
    static Rejection upstreamTimeout(String reason) {
        return new Rejection(504, reason, SERVER_ERROR, null, "upstream_timeout", "upstream_timeout", reasonHeader(reason));
    }

    /** Every cluster tried answered something that is not an answer (a web page). */
    static Rejection invalidUpstreamResponse(String reason) {
        return new Rejection(502, reason, SERVER_ERROR, null, "invalid_upstream_response", "invalid_upstream_response",
                reasonHeader(reason));
    }

    /**
     * The event that ends a stream cut in the middle ({@code data: {"error": ...}}): OpenAI's clients raise an error
     * event as an error, so the client learns the answer is incomplete.
     */
    static String streamError(String message, String code) {
        return "data: " + new JsonObject().put("error", error(message, SERVER_ERROR, null, code)).encode() + "\n\n";
    }

    /**
     * Answers {@code rejection} on {@code response}. A request refused before its body was read (no key, too large,
     * not JSON) leaves an HTTP/1.1 connection unable to carry another request, so it is closed; an HTTP/2 stream is
     * simply ended (and Connection is not an HTTP/2 header at all).
     */
    static void send(HttpServerRequest request, HttpServerResponse response, Rejection rejection) {
        rejection.headers().forEach(response::putHeader);
        if (!request.isEnded() && request.version() != HttpVersion.HTTP_2) {
            response.putHeader(HttpHeaders.CONNECTION, "close");
        }
        response.setStatusCode(rejection.status()).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(rejection.body());
    }

    /** {@code s} with every character a header cannot carry (controls, non-ASCII) replaced by {@code ?}. */
    static String headerSafe(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            b.append(ch >= 0x20 && ch < 0x7f ? ch : '?');
        }
        return b.toString();
    }

    private static Map<String, String> reasonHeader(String reason) {
        return Map.of(InferenceGateway.REASON_HEADER, headerSafe(reason));
    }

    private static JsonObject error(String message, String type, String param, String code) {
        return new JsonObject().put("message", message).put("type", type).put("param", param).put("code", code);
    }
}
