package io.flotilla.proto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.flotilla.proto.ProtocolException.Reason;
import io.flotilla.proto.v1.ClusterStatus;
import io.flotilla.proto.v1.DesiredState;
import io.flotilla.proto.v1.InferenceWorkload;
import io.flotilla.proto.v1.Resources;
import io.flotilla.proto.v1.SignedEnvelope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvelopeCodecTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final SigningKey CONTROL_PLANE = SigningKey.generate(RANDOM);
    private static final SigningKey IMPOSTOR = SigningKey.generate(RANDOM);

    private final EnvelopeCodec sender = EnvelopeCodec.builder("flotilla/control-plane").signWith(CONTROL_PLANE).build();
    private final EnvelopeCodec agent = EnvelopeCodec.builder("flotilla/clusters/edge-1")
            .trust(CONTROL_PLANE.verificationKey()).build();

    static DesiredState desired(String cluster, long generation, int workloads) {
        DesiredState.Builder b = DesiredState.newBuilder().setClusterId(cluster).setGeneration(generation);
        for (int i = 0; i < workloads; i++) {
            b.addWorkloads(InferenceWorkload.newBuilder().setName("chat-" + i)
                    .setModel("meta-llama/Llama-3.1-8B-Instruct").setRuntime("vllm")
                    .setImage("vllm/vllm-openai:v0.8.5").setPort(8000).setReplicas(1)
                    .addArgs("--max-model-len=8192")
                    .setResources(Resources.newBuilder().setGpu(1).setGpuMemoryMib(24 * 1024)));
        }
        return b.build();
    }

    @Test
    void roundTripsASignedDesiredState() throws Exception {
        DesiredState state = desired("edge-1", 7, 2);

        EnvelopeCodec.Decoded<DesiredState> decoded =
                agent.decode(sender.encode("edge-1", state), "edge-1", DesiredState.getDefaultInstance());

        assertThat(decoded.payload()).isEqualTo(state);
        assertThat(decoded.keyId()).isEqualTo(CONTROL_PLANE.keyId());
        assertThat(decoded.source()).isEqualTo("flotilla/control-plane");
    }

    @Test
    void compressesLargePayloadsAndStillRoundTrips() throws Exception {
        DesiredState big = desired("edge-1", 1, 200);
        byte[] wire = sender.encode("edge-1", big);

        assertThat(wire.length).isLessThan(big.getSerializedSize());
        assertThat(agent.decode(wire, "edge-1", DesiredState.getDefaultInstance()).payload()).isEqualTo(big);
    }

    @Test
    void rejectsUnsignedPayload() {
        EnvelopeCodec unsigned = EnvelopeCodec.builder("someone").build();
        assertReason(unsigned.encode("edge-1", desired("edge-1", 1, 1)), Reason.UNSIGNED);
    }

    @Test
    void rejectsPayloadSignedByUnknownKey() {
        EnvelopeCodec impostor = EnvelopeCodec.builder("flotilla/control-plane").signWith(IMPOSTOR).build();
        assertReason(impostor.encode("edge-1", desired("edge-1", 1, 1)), Reason.UNKNOWN_KEY);
    }

    @Test
    void rejectsForgedSignatureUnderTrustedKeyId() throws Exception {
        byte[] forged = SignedEnvelope.parseFrom(
                        EnvelopeCodec.builder("x").signWith(IMPOSTOR).build().encode("edge-1", desired("edge-1", 9, 1)))
                .toBuilder().setKeyId(CONTROL_PLANE.keyId()).build().toByteArray();
        assertReason(forged, Reason.BAD_SIGNATURE);
    }

    @Test
    void rejectsTamperedEnvelope() throws Exception {
        SignedEnvelope genuine = SignedEnvelope.parseFrom(sender.encode("edge-1", desired("edge-1", 3, 1)));
        byte[] envelope = genuine.getEnvelope().toByteArray();
        envelope[envelope.length - 5] ^= 0x01;
        byte[] tampered = genuine.toBuilder().setEnvelope(ByteString.copyFrom(envelope)).build().toByteArray();
        assertReason(tampered, Reason.BAD_SIGNATURE);
    }

    @Test
    void rejectsPayloadAboutAnotherCluster() {
        assertReason(sender.encode("edge-2", desired("edge-2", 1, 1)), Reason.WRONG_CLUSTER);
    }

    @Test
    void rejectsEnvelopeWhoseSubjectAndPayloadDisagree() {
        assertReason(sender.encode("edge-1", desired("edge-2", 1, 1)), Reason.WRONG_CLUSTER);
    }

    @Test
    void rejectsWrongMessageType() {
        byte[] status = sender.encode("edge-1", ClusterStatus.newBuilder().setClusterId("edge-1").build());
        assertReason(status, Reason.WRONG_TYPE);
    }

    @Test
    void rejectsOversizedPayloadBeforeParsing() {
        EnvelopeCodec strict = EnvelopeCodec.builder("agent").trust(CONTROL_PLANE.verificationKey())
                .maxWireBytes(64).build();
        ProtocolException e = catchThrowableOfType(ProtocolException.class,
                () -> strict.decode(sender.encode("edge-1", desired("edge-1", 1, 3)), "edge-1",
                        DesiredState.getDefaultInstance()));
        assertThat(e.reason()).isEqualTo(Reason.OVERSIZED);
    }

    @Test
    void rejectsCompressionBomb() {
        EnvelopeCodec strict = EnvelopeCodec.builder("agent").trust(CONTROL_PLANE.verificationKey())
                .maxDataBytes(10_000).build();
        ProtocolException e = catchThrowableOfType(ProtocolException.class,
                () -> strict.decode(sender.encode("edge-1", desired("edge-1", 1, 300)), "edge-1",
                        DesiredState.getDefaultInstance()));
        assertThat(e.reason()).isEqualTo(Reason.OVERSIZED);
    }

    @Test
    void rejectsGarbageAndEmptyPayloads() {
        assertReason(new byte[0], Reason.MALFORMED);
        assertReason("{\"generation\": 5}".getBytes(), Reason.MALFORMED);
    }

    @Test
    void rejectsFutureWireVersion() throws Exception {
        byte[] v2 = SignedEnvelope.parseFrom(sender.encode("edge-1", desired("edge-1", 1, 1)))
                .toBuilder().setWireVersion(2).build().toByteArray();
        assertReason(v2, Reason.UNSUPPORTED_VERSION);
    }

    /** Found by EnvelopeCodecFuzzTest: Instant.ofEpochSecond threw DateTimeException for a signed, well-formed envelope. */
    @Test
    void rejectsTimestampsOutsideTheProtobufRange() {
        DesiredState state = desired("edge-1", 1, 1);
        byte[] envelopeTime = EnvelopeCodecFuzzTest.signedEnvelope(EnvelopeCodecFuzzTest.envelope(state, "edge-1")
                .setTime(Timestamp.newBuilder().setSeconds(Long.MAX_VALUE)).setData(state.toByteString()).build(), CONTROL_PLANE);
        assertReason(envelopeTime, Reason.MALFORMED);

        DesiredState issuedAt = state.toBuilder().setIssuedAt(Timestamp.newBuilder().setSeconds(Long.MIN_VALUE)).build();
        assertReason(sender.encode("edge-1", issuedAt), Reason.MALFORMED);
        DesiredState negativeNanos = state.toBuilder().setIssuedAt(Timestamp.newBuilder().setSeconds(1).setNanos(-1)).build();
        assertReason(sender.encode("edge-1", negativeNanos), Reason.MALFORMED);

        DesiredState lastValidInstant = state.toBuilder()
                .setIssuedAt(Timestamp.newBuilder().setSeconds(253_402_300_799L).setNanos(999_999_999)).build();
        assertThat(catchThrowableOfType(ProtocolException.class,
                () -> agent.decode(sender.encode("edge-1", lastValidInstant), "edge-1", DesiredState.getDefaultInstance()))).isNull();
    }

    @Property(tries = 200)
    void everyTruncationIsRejectedWithATypedError(@ForAll @IntRange(min = 0, max = 10_000) int cut) {
        byte[] wire = sender.encode("edge-1", desired("edge-1", 42, 2));
        int length = cut % wire.length;
        ProtocolException e = catchThrowableOfType(ProtocolException.class,
                () -> agent.decode(Arrays.copyOf(wire, length), "edge-1", DesiredState.getDefaultInstance()));
        assertThat(e).as("truncated to %d of %d bytes", length, wire.length).isNotNull();
    }

    @Property(tries = 300)
    void everySingleBitFlipIsRejected(@ForAll @IntRange(min = 0, max = 100_000) int position) {
        byte[] wire = sender.encode("edge-1", desired("edge-1", 42, 1));
        int bit = position % (wire.length * 8);
        wire[bit / 8] ^= (byte) (1 << (bit % 8));
        ProtocolException e = catchThrowableOfType(ProtocolException.class,
                () -> agent.decode(wire, "edge-1", DesiredState.getDefaultInstance()));
        assertThat(e).as("bit %d flipped", bit).isNotNull();
    }

    @Test
    void signingKeySurvivesSaveAndLoad(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("keys/control-plane.key");
        SigningKey generated = SigningKey.loadOrGenerate(file, RANDOM);
        SigningKey loaded = SigningKey.loadOrGenerate(file, RANDOM);

        assertThat(loaded.verificationKey()).isEqualTo(generated.verificationKey());
        assertThat(Files.getPosixFilePermissions(file)).hasSize(2);
        assertThat(VerificationKey.fromBase64(generated.verificationKey().toBase64()).keyId())
                .isEqualTo(generated.keyId()).hasSize(16);
    }

    @Test
    void malformedKeysAreRefusedWithAClearMessage() {
        assertThatThrownBy(() -> VerificationKey.fromBase64("AAAA")).hasMessageContaining("32 raw Ed25519 bytes");
        assertThatThrownBy(() -> SigningKey.fromBase64("not base64!")).hasMessageContaining("base64");
    }

    private void assertReason(byte[] wire, Reason expected) {
        ProtocolException e = catchThrowableOfType(ProtocolException.class,
                () -> agent.decode(wire, "edge-1", DesiredState.getDefaultInstance()));
        assertThat(e).isNotNull();
        assertThat(e.reason()).isEqualTo(expected);
    }
}
