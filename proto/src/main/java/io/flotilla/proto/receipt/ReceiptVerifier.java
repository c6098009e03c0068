package io.flotilla.proto.receipt;

import io.flotilla.proto.VerificationKey;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Checks a routing receipt against a set of public keys (the control plane's published JWKS): that it is a compact
 * JWS, signed with EdDSA by one of the keys, and optionally that a request body is the one it names. Plain Java, for
 * the control plane and for fleetctl alike; never throws on bad input, it says why instead.
 */
public final class ReceiptVerifier {

    private static final Base64.Decoder B64URL = Base64.getUrlDecoder();

    private final Map<String, VerificationKey> keys = new LinkedHashMap<>();

    public ReceiptVerifier(Collection<VerificationKey> keys) {
        keys.forEach(k -> this.keys.put(k.keyId(), k));
    }

    /**
     * The outcome of a check.
     *
     * @param reason why it is not valid; null when it is
     * @param keyId the key id the receipt names, when it could be read
     * @param claims the claims, when the signature verified
     * @param json the claims as they were signed, in order, when the signature verified
     */
    public record Result(boolean valid, String reason, String keyId, ReceiptClaims claims, Map<String, Object> json) {

        static Result invalid(String reason, String keyId) {
            return new Result(false, reason, keyId, null, null);
        }
    }

    /** Checks {@code receipt}; with {@code body} non-null, also that it is the body the receipt names. */
    public Result verify(String receipt, byte[] body) {
        if (receipt == null) {
            return Result.invalid("not a compact JWS: no receipt", null);
        }
        String[] parts = receipt.strip().split("\\.", -1);
        if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || parts[2].isEmpty()) {
            return Result.invalid("not a compact JWS: expected three base64url parts separated by '.'", null);
        }
        Map<String, Object> header;
        byte[] payload;
        byte[] signature;
        try {
            header = MiniJson.object(new String(B64URL.decode(parts[0]), StandardCharsets.UTF_8));
            payload = B64URL.decode(parts[1]);
            signature = B64URL.decode(parts[2]);
        } catch (IllegalArgumentException e) {
            return Result.invalid("not a compact JWS: " + e.getMessage(), null);
        }
        String kid = header.get("kid") instanceof String k ? k : null;
        if (!"EdDSA".equals(header.get("alg"))) {
            return Result.invalid("algorithm " + header.get("alg") + " is not accepted; receipts are signed with EdDSA", kid);
        }
        if (kid == null) {
            return Result.invalid("the header names no key (kid)", null);
        }
        VerificationKey key = keys.get(kid);
        if (key == null) {
            return Result.invalid("unknown key " + kid + " (known: " + String.join(", ", keys.keySet()) + ")", kid);
        }
        byte[] signingInput = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
        if (signature.length != 64 || !key.verify(signingInput, signature)) {
            return Result.invalid("signature does not match key " + kid, kid);
        }
        Map<String, Object> json;
        ReceiptClaims claims;
        try {
            json = MiniJson.object(new String(payload, StandardCharsets.UTF_8));
            claims = ReceiptClaims.fromJson(json);
        } catch (IllegalArgumentException e) {
            return Result.invalid("the signed claims cannot be read: " + e.getMessage(), kid);
        }
        if (body != null && !ReceiptSigner.sha256(body).equals(claims.bodySha256())) {
            return new Result(false, "the body does not match bodySha256 (the receipt is for another request body)", kid,
                    claims, json);
        }
        return new Result(true, null, kid, claims, json);
    }

    public Result verify(String receipt) {
        return verify(receipt, null);
    }
}
