package io.flotilla.controlplane.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.proto.VerificationKey;
import io.flotilla.proto.receipt.ReceiptClaims;
import io.flotilla.proto.receipt.ReceiptVerifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The published receipt keys follow a signing-key rotation, so receipts signed before it still verify after. */
class PublishedReceiptKeysTest {

    @TempDir
    Path dir;

    private static final ReceiptClaims CLAIMS = new ReceiptClaims("r-1", 1_000, "acme", "chat", "chat-eu", 1, "fra-1",
            "DE", List.of("EU"), "x");

    @Test
    void activeIncomingAndRetiredKeysArePublishedAndOldReceiptsStillVerify() throws Exception {
        ProtocolKeys keys = new ProtocolKeys(() -> dir.resolve("control-plane.key"));
        VerificationKey first = keys.verificationKey();
        String before = keys.receiptSigner().sign(CLAIMS);
        assertThat(keys.publishedKeys()).containsExactly(first);

        keys.beginRotation(Instant.parse("2026-12-01T00:00:00Z"));
        VerificationKey next = keys.incomingKey().orElseThrow();
        assertThat(keys.publishedKeys()).containsExactly(first, next);
        assertThat(keys.receiptSigner().keyId()).as("the active key signs during a rotation").isEqualTo(first.keyId());

        keys.completeRotation();
        Files.writeString(dir.resolve("retired").resolve("garbage.key"), "not a key");
        assertThat(keys.publishedKeys()).containsExactly(next, first);
        ReceiptVerifier verifier = new ReceiptVerifier(keys.publishedKeys());
        assertThat(verifier.verify(before).valid()).isTrue();
        assertThat(verifier.verify(keys.receiptSigner().sign(CLAIMS)).keyId()).isEqualTo(next.keyId());
    }
}
