package io.flotilla.proto.receipt;

import io.flotilla.proto.SigningKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Signs routing receipts: compact JWS (RFC 7515) with Ed25519 (RFC 8037), header
 * {@code {"alg":"EdDSA","kid":"<key id>","typ":"flotilla-receipt+jws"}}. The header is encoded once per key; each
 * receipt then costs one JSON string, one SHA-256 of the body and one Ed25519 signature.
 */
public final class ReceiptSigner {

    public static final String TYPE = "flotilla-receipt+jws";
    static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private final SigningKey key;
    /** base64url of the protected header, and the '.' that follows it. */
    private final String headerPart;

    public ReceiptSigner(SigningKey key) {
        this.key = key;
        String header = "{\"alg\":\"EdDSA\",\"kid\":\"" + key.keyId() + "\",\"typ\":\"" + TYPE + "\"}";
        this.headerPart = B64URL.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + ".";
    }

    public String keyId() {
        return key.keyId();
    }

    /** The compact JWS of {@code claims}. */
    public String sign(ReceiptClaims claims) {
        String payload = B64URL.encodeToString(claims.toJson().getBytes(StandardCharsets.UTF_8));
        String signingInput = headerPart + payload;
        byte[] signature = key.sign(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + B64URL.encodeToString(signature);
    }

    /** base64url SHA-256 of {@code bytes}: the {@code bodySha256} claim. */
    public static String sha256(byte[] bytes, int length) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(bytes, 0, length);
            return B64URL.encodeToString(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    public static String sha256(byte[] bytes) {
        return sha256(bytes, bytes.length);
    }
}
