package io.flotilla.proto.receipt;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a routing receipt states about one routed request. The JSON names are short and stable: customers' verifiers
 * read them, so they never change meaning (docs/routing.md, "Receipts").
 *
 * @param requestId {@code rid}: the request's id, also sent as {@code X-Request-Id}
 * @param issuedAtMillis {@code ms}: when the receipt was made, epoch milliseconds ({@code iat} carries the seconds)
 * @param tenant {@code tenant}: the tenant whose API key sent the request; null for keyless loopback use
 * @param model {@code model}: the model alias the client asked for
 * @param policy {@code policy}: the policy whose workload served it
 * @param policyRevision {@code rev}: that policy's revision when the route was decided
 * @param cluster {@code cluster}: the cluster that served the answer (after any failover)
 * @param clusterJurisdiction {@code jur}: that cluster's jurisdiction
 * @param allowed {@code allowed}: the jurisdictions the request's data could reach, as given (e.g. {@code ["EU"]})
 * @param bodySha256 {@code bodySha256}: base64url SHA-256 of the request body as received
 */
public record ReceiptClaims(String requestId, long issuedAtMillis, String tenant, String model, String policy,
        long policyRevision, String cluster, String clusterJurisdiction, List<String> allowed, String bodySha256) {

    public ReceiptClaims {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(cluster, "cluster");
        allowed = List.copyOf(allowed);
    }

    /** {@code iat}: epoch seconds. */
    public long issuedAt() {
        return Math.floorDiv(issuedAtMillis, 1000);
    }

    /** The claims as compact JSON, written by hand: this runs once per routed request. */
    public String toJson() {
        StringBuilder b = new StringBuilder(320);
        b.append('{');
        string(b, "rid", requestId).append(',');
        b.append("\"iat\":").append(issuedAt()).append(",\"ms\":").append(issuedAtMillis).append(',');
        if (tenant != null) {
            string(b, "tenant", tenant).append(',');
        }
        string(b, "model", model).append(',');
        if (policy != null) {
            string(b, "policy", policy).append(',');
        }
        b.append("\"rev\":").append(policyRevision).append(',');
        string(b, "cluster", cluster).append(',');
        if (clusterJurisdiction != null) {
            string(b, "jur", clusterJurisdiction).append(',');
        }
        b.append("\"allowed\":[");
        for (int i = 0; i < allowed.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            quoted(b, allowed.get(i));
        }
        b.append("],");
        string(b, "bodySha256", bodySha256 == null ? "" : bodySha256);
        return b.append('}').toString();
    }

    /** The claims of a verified receipt's JSON object (see {@link MiniJson}). */
    static ReceiptClaims fromJson(Map<String, Object> json) {
        Object allowed = json.get("allowed");
        return new ReceiptClaims(text(json, "rid"), number(json, "ms", number(json, "iat", 0) * 1000),
                optional(json, "tenant"), text(json, "model"), optional(json, "policy"), number(json, "rev", 0),
                text(json, "cluster"), optional(json, "jur"),
                allowed instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of(),
                optional(json, "bodySha256"));
    }

    private static String text(Map<String, Object> json, String name) {
        if (!(json.get(name) instanceof String s)) {
            throw new IllegalArgumentException("claim '" + name + "' is missing or not a string");
        }
        return s;
    }

    private static String optional(Map<String, Object> json, String name) {
        return json.get(name) instanceof String s ? s : null;
    }

    private static long number(Map<String, Object> json, String name, long fallback) {
        return json.get(name) instanceof Number n ? n.longValue() : fallback;
    }

    private static StringBuilder string(StringBuilder b, String name, String value) {
        b.append('"').append(name).append("\":");
        return quoted(b, value);
    }

    private static StringBuilder quoted(StringBuilder b, String value) {
        b.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"');
    }
}
