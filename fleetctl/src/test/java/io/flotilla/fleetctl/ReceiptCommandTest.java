package io.flotilla.fleetctl;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.proto.SigningKey;
import io.flotilla.proto.receipt.Jwks;
import io.flotilla.proto.receipt.ReceiptClaims;
import io.flotilla.proto.receipt.ReceiptSigner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReceiptCommandTest extends FakeApiTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String BODY = "{\"model\":\"chat\"}";

    private final SigningKey key = SigningKey.generate(RANDOM);
    private final String receipt = new ReceiptSigner(key).sign(new ReceiptClaims("req-7", 1_767_225_600_000L, "eu", "chat",
            "chat-eu", 4, "fra-1", "DE", List.of("EU"), ReceiptSigner.sha256(BODY.getBytes(StandardCharsets.UTF_8))));

    private String keySet(SigningKey... keys) throws Exception {
        return Json.MAPPER.writeValueAsString(Map.of("keys",
                Arrays.stream(keys).map(k -> Jwks.jwk(k.verificationKey())).toList()));
    }

    private void saveKeys(SigningKey... keys) throws Exception {
        Files.writeString(cwd.resolve("keys.json"), keySet(keys));
    }

    @Test
    void aValidReceiptPrintsItsClaimsAndExitsZero() throws Exception {
        saveKeys(key);
        Files.writeString(cwd.resolve("body.json"), BODY);

        var r = Cli.run(Cli.env(cwd), "receipt", "verify", receipt, "--keys", "keys.json", "--body", "body.json");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("rid          req-7").contains("cluster      fra-1").contains("jur          DE")
                .contains("allowed      EU");
        assertThat(r.err()).contains("Valid: signed by key " + key.keyId() + "; the body matches");
    }

    @Test
    void aTamperedReceiptExitsOneWithTheReason() throws Exception {
        saveKeys(key);
        String[] parts = receipt.split("\\.");
        String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8).replace("fra-1", "nyc-1");
        String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(claims.getBytes(StandardCharsets.UTF_8))
                + "." + parts[2];

        var r = Cli.run(Cli.env(cwd), "receipt", "verify", forged, "--keys", "keys.json", "-o", "json");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.REJECTED);
        assertThat(r.err()).contains("receipt not valid: signature does not match key " + key.keyId());
        assertThat(Json.MAPPER.readTree(r.out()).path("valid").asBoolean(true)).isFalse();
    }

    @Test
    void aReceiptOfAnUnknownKeyOrAnotherBodyExitsOne() throws Exception {
        SigningKey other = SigningKey.generate(RANDOM);
        saveKeys(other);
        var unknown = Cli.run(Cli.env(cwd), "receipt", "verify", receipt, "--keys", "keys.json");
        assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(ExitCodes.REJECTED);
        assertThat(unknown.err()).contains("unknown key " + key.keyId());

        saveKeys(other, key);
        Files.writeString(cwd.resolve("body.json"), "{\"model\":\"other\"}");
        var otherBody = Cli.run(Cli.env(cwd), "receipt", "verify", receipt, "--keys", "keys.json", "--body", "body.json");
        assertThat(otherBody.exitCode()).as(otherBody.toString()).isEqualTo(ExitCodes.REJECTED);
        assertThat(otherBody.err()).contains("bodySha256");

        var notAReceipt = Cli.run(Cli.env(cwd), "receipt", "verify", "hello", "--keys", "keys.json");
        assertThat(notAReceipt.exitCode()).isEqualTo(ExitCodes.REJECTED);
        assertThat(notAReceipt.err()).contains("not a compact JWS");
    }

    @Test
    void withoutKeysTheServersKeySetIsUsedAndKeysPrintsIt() throws Exception {
        api.on("GET", "/api/v1/receipts/keys", 200, keySet(key));

        var r = Cli.run(Cli.env(cwd, api), "receipt", "verify", receipt, "-o", "json");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(Json.MAPPER.readTree(r.out()).path("claims").path("cluster").asText()).isEqualTo("fra-1");

        var keys = Cli.run(Cli.env(cwd, api), "receipt", "keys");
        assertThat(keys.exitCode()).as(keys.toString()).isZero();
        assertThat(Json.MAPPER.readTree(keys.out())).isEqualTo(Json.MAPPER.readTree(keySet(key)));
    }
}
