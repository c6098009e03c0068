package io.flotilla.proto.receipt;

import io.flotilla.proto.VerificationKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON Web Key Set (RFC 7517, OKP keys per RFC 8037) that publishes the keys receipts are signed with:
 * {@code {"keys":[{"kty":"OKP","crv":"Ed25519","x":"<base64url raw key>","kid":"...","use":"sig","alg":"EdDSA"}]}}.
 */
public final class Jwks {

    private Jwks() {
    }

    /** One key as a JWK, in its members' usual order. */
    public static Map<String, String> jwk(VerificationKey key) {
        Map<String, String> jwk = new LinkedHashMap<>();
        jwk.put("kty", "OKP");
        jwk.put("crv", "Ed25519");
        jwk.put("x", ReceiptSigner.B64URL.encodeToString(key.raw()));
        jwk.put("kid", key.keyId());
        jwk.put("use", "sig");
        jwk.put("alg", "EdDSA");
        return jwk;
    }

    /**
     * The Ed25519 keys of a JWKS document; keys of other types are skipped.
     *
     * @throws IllegalArgumentException when it is not a JWKS, or a key's {@code kid} is not the id of its {@code x}
     */
    public static List<VerificationKey> parse(String json) {
        Map<String, Object> doc = MiniJson.object(json);
        if (!(doc.get("keys") instanceof List<?> keys)) {
            throw new IllegalArgumentException("not a JWKS: no \"keys\" array");
        }
        List<VerificationKey> out = new ArrayList<>();
        for (Object k : keys) {
            if (!(k instanceof Map<?, ?> jwk) || !"OKP".equals(jwk.get("kty")) || !"Ed25519".equals(jwk.get("crv"))
                    || !(jwk.get("x") instanceof String x)) {
                continue;
            }
            VerificationKey key = VerificationKey.fromRaw(Base64.getUrlDecoder().decode(x));
            if (jwk.get("kid") instanceof String kid && !kid.equals(key.keyId())) {
                throw new IllegalArgumentException("JWKS key " + kid + " has the key id " + key.keyId()
                        + " by its public key: the set is not Flotilla's or was altered");
            }
            out.add(key);
        }
        return out;
    }
}
