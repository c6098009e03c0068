package io.flotilla.proto.receipt;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.proto.SigningKey;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReceiptVerifierTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] BODY = "{\"model\":\"chat\"}".getBytes(StandardCharsets.UTF_8);

    private final SigningKey key = SigningKey.generate(RANDOM);
    private final ReceiptSigner signer = new ReceiptSigner(key);
    private final ReceiptVerifier verifier = new ReceiptVerifier(Jwks.parse(jwks(key)));

    private static ReceiptClaims claims() {
        return new ReceiptClaims("req-1", 1_767_225_600_123L, "eu", "chat", "chat-eu", 3, "fra-1", "DE", List.of("EU"),
                ReceiptSigner.sha256(BODY));
    }

    private static String jwks(SigningKey... keys) {
        StringBuilder b = new StringBuilder("{\"keys\":[");
        for (int i = 0; i < keys.length; i++) {
            b.append(i > 0 ? "," : "").append('{');
            var jwk = Jwks.jwk(keys[i].verificationKey());
            b.append(String.join(",", jwk.entrySet().stream().map(e -> "\"" + e.getKey() + "\":\"" + e.getValue() + "\"").toList()));
            b.append('}');
        }
        return b.append("]}").toString();
    }

    @Test
    void aSignedReceiptVerifiesAndGivesItsClaimsBack() {
        String receipt = signer.sign(claims());
        ReceiptVerifier.Result r = verifier.verify(receipt, BODY);
        assertThat(r.valid()).as(r.reason()).isTrue();
        assertThat(r.claims()).isEqualTo(claims());
        assertThat(r.json()).containsEntry("iat", 1_767_225_600L).containsEntry("rid", "req-1");
        String header = new String(Base64.getUrlDecoder().decode(receipt.split("\\.")[0]), StandardCharsets.UTF_8);
        assertThat(header).isEqualTo("{\"alg\":\"EdDSA\",\"kid\":\"" + key.keyId() + "\",\"typ\":\"flotilla-receipt+jws\"}");
    }

    @Test
    void aChangedClaimOrSignatureIsRefusedWithTheReason() {
        String receipt = signer.sign(claims());
        String[] parts = receipt.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        String forged = parts[0] + "." + ReceiptSigner.B64URL.encodeToString(payload.replace("\"DE\"", "\"US\"")
                .getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        assertThat(verifier.verify(forged).reason()).isEqualTo("signature does not match key " + key.keyId());

        byte[] sig = Base64.getUrlDecoder().decode(parts[2]);
        sig[5] ^= 1;
        assertThat(verifier.verify(parts[0] + "." + parts[1] + "." + ReceiptSigner.B64URL.encodeToString(sig)).reason())
                .isEqualTo("signature does not match key " + key.keyId());
    }

    @Test
    void otherKeysMalformedReceiptsAndOtherBodiesAreRefused() {
        SigningKey other = SigningKey.generate(RANDOM);
        ReceiptVerifier.Result unknown = verifier.verify(new ReceiptSigner(other).sign(claims()));
        assertThat(unknown.reason()).startsWith("unknown key " + other.keyId());
        assertThat(verifier.verify("abc").reason()).startsWith("not a compact JWS");
        assertThat(verifier.verify("a.b.c").reason()).startsWith("not a compact JWS");
        String none = ReceiptSigner.B64URL.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(verifier.verify(none + ".e30.AAAA").reason()).startsWith("algorithm none is not accepted");
        String deep = ReceiptSigner.B64URL.encodeToString(("{\"a\":" + "[".repeat(100_000)).getBytes(StandardCharsets.UTF_8));
        assertThat(verifier.verify(deep + ".e30.AAAA").reason()).startsWith("not a compact JWS: invalid JSON");
        ReceiptVerifier.Result otherBody = verifier.verify(signer.sign(claims()), "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(otherBody.valid()).isFalse();
        assertThat(otherBody.reason()).contains("bodySha256");
        // a rotation: receipts of the former key still verify with a set that holds both
        ReceiptVerifier both = new ReceiptVerifier(Jwks.parse(jwks(other, key)));
        assertThat(both.verify(signer.sign(claims())).valid()).isTrue();
    }

    @Test
    void claimsWithQuotesAndControlCharactersStayValidJson() {
        var odd = new ReceiptClaims("r\"1\\\n", 5_000, null, "m", null, 0, "c", null, List.of(), "x");
        ReceiptVerifier.Result r = verifier.verify(signer.sign(odd));
        assertThat(r.valid()).as(r.reason()).isTrue();
        assertThat(r.claims()).isEqualTo(odd);
    }

    /** Signing cost, printed: a rough figure, not an assertion (the router signs once per routed request). */
    @Test
    void signingOneReceiptTakesTensOfMicroseconds() {
        ReceiptClaims c = claims();
        for (int i = 0; i < 3_000; i++) {
            signer.sign(c);
        }
        int n = 5_000;
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            signer.sign(c);
        }
        double us = (System.nanoTime() - start) / 1_000.0 / n;
        System.out.printf("receipt signing: %.1f us per receipt (%d receipts)%n", us, n);
        assertThat(us).isLessThan(5_000);
    }
}
