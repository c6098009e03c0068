package io.flotilla.agent.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotilla.agent.Fixtures;
import io.flotilla.proto.VerificationKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityFileTest {

    @TempDir
    Path tmp;

    private final VerificationKey cp1 = Fixtures.newKey().verificationKey();
    private final VerificationKey cp2 = Fixtures.newKey().verificationKey();

    private AgentIdentity identity() {
        return new AgentIdentity("edge-1", AgentKey.generate(new SecureRandom()), "ssl://broker.example:8883",
                Optional.of("edge-1"), Optional.of("s3cret-broker-password"), "flotilla-agent-edge-1", Set.of(cp1, cp2),
                Optional.of("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"),
                Instant.parse("2026-12-05T21:00:00Z"));
    }

    @Test
    void readsBackWhatItWrote() throws IOException {
        AgentIdentity written = identity();
        Path stateDir = tmp.resolve("state");

        IdentityFile.write(stateDir, written);
        AgentIdentity read = IdentityFile.read(stateDir).orElseThrow();

        assertThat(read.clusterId()).isEqualTo("edge-1");
        assertThat(read.publicKey()).isEqualTo(written.publicKey());
        assertThat(read.key().seed()).isEqualTo(written.key().seed());
        assertThat(read.brokerUrl()).isEqualTo("ssl://broker.example:8883");
        assertThat(read.username()).contains("edge-1");
        assertThat(read.password()).contains("s3cret-broker-password");
        assertThat(read.clientId()).isEqualTo("flotilla-agent-edge-1");
        assertThat(read.controlPlaneKeys()).containsExactlyInAnyOrder(cp1, cp2);
        assertThat(read.brokerCaPem()).isEqualTo(written.brokerCaPem());
        assertThat(read.desiredStateFloor()).isEqualTo(Instant.parse("2026-12-05T21:00:00Z"));
    }

    @Test
    void theRestoredKeySignsWhatTheOriginalPublicKeyVerifies() throws Exception {
        AgentIdentity written = identity();
        IdentityFile.write(tmp, written);
        AgentIdentity read = IdentityFile.read(tmp).orElseThrow();

        byte[] wire = read.envelopeCodec(java.time.Clock.systemUTC()).encode("edge-1",
                Fixtures.desired(1));
        var decoded = Fixtures.readerCodec().decodeFrom(wire, "edge-1",
                io.flotilla.proto.v1.DesiredState.getDefaultInstance(), written.publicKey());

        assertThat(decoded.keyId()).isEqualTo(written.publicKey().keyId());
    }

    @Test
    void theFileIsTheOwnersAloneAndNoTemporaryFileIsLeft() throws IOException {
        Path stateDir = tmp.resolve("state");

        IdentityFile.write(stateDir, identity());
        IdentityFile.write(stateDir, identity());

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(IdentityFile.path(stateDir))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(stateDir))).isEqualTo("rwx------");
        try (var files = Files.list(stateDir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(IdentityFile.NAME);
        }
    }

    @Test
    void aMissingFileMeansNotEnrolled() throws IOException {
        assertThat(IdentityFile.read(tmp)).isEmpty();
        assertThat(IdentityFile.exists(tmp)).isFalse();
    }

    @Test
    void aPublicKeyThatDoesNotMatchThePrivateKeyIsRefusedWithTheFileNamed() throws IOException {
        IdentityFile.write(tmp, identity());
        Path file = IdentityFile.path(tmp);
        String other = AgentKey.generate(new SecureRandom()).publicKey().toBase64();
        String json = Files.readString(file).replaceFirst("\"publicKey\" : \"[^\"]+\"", "\"publicKey\" : \"" + other + "\"");
        Files.writeString(file, json);

        assertThatThrownBy(() -> IdentityFile.read(tmp))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("publicKey does not belong to privateKey");
    }

    @Test
    void toStringShowsNeitherThePasswordNorThePrivateKey() {
        AgentIdentity identity = identity();

        assertThat(identity.toString())
                .contains("edge-1", identity.publicKey().keyId(), "password redacted")
                .doesNotContain("s3cret-broker-password")
                .doesNotContain(identity.key().seed());
        assertThat(identity.key().toString()).doesNotContain(identity.key().seed());
    }
}
