package io.flotilla.proto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import io.flotilla.proto.ProtocolException.Reason;
import io.flotilla.proto.v1.ClusterStatus;
import io.flotilla.proto.v1.DesiredState;
import io.flotilla.proto.v1.Envelope;
import io.flotilla.proto.v1.GpuSample;
import io.flotilla.proto.v1.InferenceWorkload;
import io.flotilla.proto.v1.Presence;
import io.flotilla.proto.v1.Resources;
import io.flotilla.proto.v1.SignedEnvelope;
import io.flotilla.proto.v1.TelemetryReport;
import io.flotilla.proto.v1.WorkloadStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes {@link EnvelopeCodec#decode}: whatever arrives on a topic, the only thing that may come out besides a verified
 * payload is a {@link ProtocolException} with a reason, and no input makes the decoder hold more memory than its
 * limits allow. Tries: {@code -Dflotilla.fuzz.tries=N} (docs/security.md, "Fuzzing").
 */
@AddLifecycleHook(FuzzTries.class)
class EnvelopeCodecFuzzTest {

    private static final String CLUSTER = "edge-1";
    private static final SigningKey CONTROL_PLANE = SigningKey.generate(new SecureRandom());
    private static final SigningKey IMPOSTOR = SigningKey.generate(new SecureRandom());
    /** A small decompressed-size limit, so that payloads on either side of it are cheap to make. */
    private static final int SMALL_DATA_LIMIT = 16 * 1024;

    private static final EnvelopeCodec SENDER = EnvelopeCodec.builder("flotilla/control-plane").signWith(CONTROL_PLANE).build();
    private static final EnvelopeCodec RECEIVER = EnvelopeCodec.builder("flotilla/clusters/edge-1")
            .trust(CONTROL_PLANE.verificationKey()).build();
    /** Reaches the envelope and payload parsers with unsigned input too. */
    private static final EnvelopeCodec LENIENT = EnvelopeCodec.builder("flotilla/clusters/edge-1")
            .trust(CONTROL_PLANE.verificationKey()).requireSignature(false).build();
    private static final EnvelopeCodec SMALL = EnvelopeCodec.builder("flotilla/clusters/edge-1")
            .trust(CONTROL_PLANE.verificationKey()).maxDataBytes(SMALL_DATA_LIMIT).build();

    private static final List<Message> PROTOTYPES = List.of(DesiredState.getDefaultInstance(),
            ClusterStatus.getDefaultInstance(), TelemetryReport.getDefaultInstance(), Presence.getDefaultInstance());

    /** 200 MiB of zeros, gzip-compressed to about 200 KiB: fits the wire limit, expands to 50 times the data limit. */
    private static final byte[] BOMB = gzipZeros(200L * 1024 * 1024);
    /** Zeros compressed: exactly the data limit, and one byte over it. */
    private static final List<byte[]> ZEROS_AT_THE_LIMIT = List.of(gzipZeros(EnvelopeCodec.DEFAULT_MAX_DATA_BYTES),
            gzipZeros(EnvelopeCodec.DEFAULT_MAX_DATA_BYTES + 1));

    // ---- arbitrary bytes ----

    @Property(tries = 1000)
    void arbitraryBytesAreRefusedWithAReason(@ForAll @Size(max = 2048) byte[] wire, @ForAll("prototypes") Message prototype) {
        assertRefused(RECEIVER, wire, CLUSTER, prototype);
        decode(LENIENT, wire, CLUSTER, prototype);
    }

    // ---- valid envelopes, truncated and mutated ----

    @Property(tries = 600)
    void mutatedEnvelopesDecodeToTheOriginalOrAreRefused(@ForAll("samples") Sample sample, @ForAll Random random) {
        byte[] wire = SENDER.encode(sample.cluster(), sample.payload());
        byte[] mutated = Mutations.mutate(wire, random);
        Message decoded = decode(RECEIVER, mutated, sample.cluster(), sample.payload().getDefaultInstanceForType());
        if (decoded != null) {
            assertThat(decoded).as("a mutation that still verifies cannot change the payload").isEqualTo(sample.payload());
        }
    }

    // ---- well-formed envelopes with the wrong cluster, type or signature ----

    @Property(tries = 300)
    void envelopesForAnotherClusterTypeOrKeyAreRefusedWithTheirReason(@ForAll("samples") Sample sample,
            @ForAll("clusterIds") String otherCluster, @ForAll("prototypes") Message otherType) {
        byte[] wire = SENDER.encode(sample.cluster(), sample.payload());
        Message type = sample.payload().getDefaultInstanceForType();
        if (!otherCluster.equals(sample.cluster())) {
            assertThat(assertRefused(RECEIVER, wire, otherCluster, type)).isEqualTo(Reason.WRONG_CLUSTER);
        }
        if (!otherType.getDescriptorForType().equals(type.getDescriptorForType())) {
            assertThat(assertRefused(RECEIVER, wire, sample.cluster(), otherType)).isEqualTo(Reason.WRONG_TYPE);
        }
        byte[] byImpostor = EnvelopeCodec.builder("impostor").signWith(IMPOSTOR).build().encode(sample.cluster(), sample.payload());
        assertThat(assertRefused(RECEIVER, byImpostor, sample.cluster(), type)).isEqualTo(Reason.UNKNOWN_KEY);
        byte[] forged = parseSigned(byImpostor).toBuilder().setKeyId(CONTROL_PLANE.keyId()).build().toByteArray();
        assertThat(assertRefused(RECEIVER, forged, sample.cluster(), type)).isEqualTo(Reason.BAD_SIGNATURE);
        byte[] unsigned = parseSigned(wire).toBuilder().clearKeyId().clearSignature().build().toByteArray();
        assertThat(assertRefused(RECEIVER, unsigned, sample.cluster(), type)).isEqualTo(Reason.UNSIGNED);
    }

    // ---- envelopes built from arbitrary parts, signed by the trusted key so that every check is reached ----

    @Property(tries = 800)
    void envelopesFromArbitraryPartsDecodeOrAreRefused(@ForAll("craftedEnvelopes") Crafted crafted) {
        Message decoded = decode(RECEIVER, crafted.wire(), CLUSTER, crafted.expected());
        if (decoded != null) {
            var cluster = decoded.getDescriptorForType().findFieldByName("cluster_id");
            assertThat(cluster == null || CLUSTER.equals(decoded.getField(cluster))).isTrue();
        }
    }

    // ---- compressed payloads: the decompressed size limit holds, whatever the compressed size ----

    @Property(tries = 200)
    void compressedPayloadsOverTheDataLimitAreRefusedAsOversized(
            @ForAll @IntRange(min = 0, max = 4 * SMALL_DATA_LIMIT) int size, @ForAll boolean compressible, @ForAll Random random) {
        byte[] data = new byte[size];
        if (!compressible) {
            random.nextBytes(data);
        }
        byte[] wire = signedEnvelope(envelope(ClusterStatus.getDefaultInstance(), CLUSTER)
                .setDataEncodingValue(1).setData(ByteString.copyFrom(gzip(data))).build(), CONTROL_PLANE);
        Reason reason = assertRefused(SMALL, wire, CLUSTER, ClusterStatus.getDefaultInstance());
        if (size > SMALL_DATA_LIMIT) {
            assertThat(reason).isEqualTo(Reason.OVERSIZED);
        } else {
            assertThat(reason).as("%d bytes are within the limit", size).isNotEqualTo(Reason.OVERSIZED);
        }
    }

    @Test
    void aDecompressionBombIsRefusedHavingReadNoMoreThanTheLimit() {
        byte[] wire = signedEnvelope(envelope(DesiredState.getDefaultInstance(), CLUSTER)
                .setDataEncodingValue(1).setData(ByteString.copyFrom(BOMB)).build(), CONTROL_PLANE);
        assertThat(wire.length).isLessThan(EnvelopeCodec.DEFAULT_MAX_WIRE_BYTES);
        assertThat(assertRefused(RECEIVER, wire, CLUSTER, DesiredState.getDefaultInstance())).isEqualTo(Reason.OVERSIZED);
    }

    // ---- oversize on the wire ----

    @Property(tries = 300)
    void wireOverTheLimitIsRefusedBeforeParsing(@ForAll @IntRange(min = 1, max = 4096) int limit,
            @ForAll @IntRange(min = 1, max = 8192) int over, @ForAll Random random) {
        EnvelopeCodec strict = EnvelopeCodec.builder("agent").trust(CONTROL_PLANE.verificationKey()).maxWireBytes(limit).build();
        byte[] wire = new byte[limit + over];
        random.nextBytes(wire);
        assertThat(assertRefused(strict, wire, CLUSTER, DesiredState.getDefaultInstance())).isEqualTo(Reason.OVERSIZED);
    }

    // ---- topics ----

    @Property(tries = 1000)
    void topicsParseOnlyIntoTheTopicTheyCameFrom(@ForAll("topics") String topic) {
        Topics.parse(topic).ifPresent(p -> assertThat(Topics.topic(p.clusterId(), p.kind())).isEqualTo(topic));
    }

    // ---- generators ----

    record Sample(String cluster, Message payload) {
    }

    @Provide
    Arbitrary<Message> prototypes() {
        return Arbitraries.of(PROTOTYPES);
    }

    @Provide
    Arbitrary<String> clusterIds() {
        return Arbitraries.randomValue(r -> oneIn(r, 5) ? CLUSTER : randomClusterId(r));
    }

    @Provide
    Arbitrary<Sample> samples() {
        return Arbitraries.randomValue(EnvelopeCodecFuzzTest::sample);
    }

    /** A payload of each kind about a random cluster, with arbitrary text and numbers. */
    static Sample sample(Random r) {
        String cluster = oneIn(r, 4) ? CLUSTER : randomClusterId(r);
        Message payload = switch (r.nextInt(3)) {
            case 0 -> {
                // up to 120 workloads: large states cross COMPRESS_ABOVE_BYTES and travel gzip-compressed
                var state = DesiredState.newBuilder().setClusterId(cluster).setGeneration(r.nextLong());
                for (int n = r.nextInt(r.nextBoolean() ? 4 : 121); n > 0; n--) {
                    state.addWorkloads(InferenceWorkload.newBuilder().setName(Mutations.randomText(r, 40))
                            .setModel(Mutations.randomText(r, 40)).setImage(Mutations.randomText(r, 40)).setPort(r.nextInt())
                            .addArgs(Mutations.randomText(r, 20)).putEnv(Mutations.randomText(r, 10), Mutations.randomText(r, 10))
                            .setResources(Resources.newBuilder().setGpu(r.nextInt()).setCpu("4").setMemory("16Gi")));
                }
                yield state.build();
            }
            case 1 -> {
                var status = ClusterStatus.newBuilder().setClusterId(cluster).setAppliedGeneration(r.nextLong())
                        .setError(Mutations.randomText(r, 100));
                for (int n = r.nextInt(30); n > 0; n--) {
                    status.addWorkloads(WorkloadStatus.newBuilder().setName(Mutations.randomText(r, 40))
                            .setMessage(Mutations.randomText(r, 200)).setReadyReplicas(r.nextInt()));
                }
                yield status.build();
            }
            default -> TelemetryReport.newBuilder().setClusterId(cluster).addGpus(GpuSample.newBuilder()
                    .setModel(Mutations.randomText(r, 20)).setUtilizationPercent(r.nextDouble() * 100)).build();
        };
        return new Sample(cluster, payload);
    }

    private static String randomClusterId(Random r) {
        String chars = "abcdefghijklmnopqrstuvwxyz0123456789";
        var sb = new StringBuilder().append(chars.charAt(r.nextInt(chars.length())));
        for (int n = r.nextInt(62); n > 0; n--) {
            sb.append(n == 1 || r.nextInt(8) != 0 ? chars.charAt(r.nextInt(chars.length())) : '-');
        }
        return sb.toString();
    }

    /** Bytes from the wire and the payload type the receiver expects of them. */
    record Crafted(byte[] wire, Message expected) {
    }

    @Provide
    Arbitrary<Crafted> craftedEnvelopes() {
        return Arbitraries.randomValue(EnvelopeCodecFuzzTest::craftedEnvelope);
    }

    /** A signed envelope whose every part is usually right and sometimes arbitrary. */
    private static Crafted craftedEnvelope(Random r) {
        Message type = PROTOTYPES.get(r.nextInt(PROTOTYPES.size()));
        Message expected = oneIn(r, 10) ? PROTOTYPES.get(r.nextInt(PROTOTYPES.size())) : type;
        Envelope.Builder e = envelope(type, oneIn(r, 8) ? Mutations.randomText(r, 70) : CLUSTER);
        if (oneIn(r, 10)) {
            e.setSpecversion(Mutations.randomText(r, 8));
        }
        if (oneIn(r, 10)) {
            e.setType(r.nextBoolean() ? Mutations.randomText(r, 40) : EnvelopeCodec.typeOf(PROTOTYPES.get(r.nextInt(PROTOTYPES.size()))));
        }
        if (oneIn(r, 3)) {
            e.setTime(Timestamp.newBuilder().setSeconds(Mutations.interestingLong(r)).setNanos(Mutations.interestingInt(r)));
        }
        Message payload = type.toBuilder().setField(type.getDescriptorForType().findFieldByName("cluster_id"),
                oneIn(r, 8) ? Mutations.randomText(r, 70) : CLUSTER).build();
        byte[] data = switch (r.nextInt(8)) {
            case 0 -> Mutations.randomBytes(r, 512);
            case 1 -> Mutations.mutate(payload.toByteArray(), r);
            case 2, 3 -> payload.toByteArray();
            default -> null; // compressed below
        };
        if (data != null) {
            e.setDataEncodingValue(oneIn(r, 10) ? r.nextInt() : 0).setData(ByteString.copyFrom(data));
        } else {
            byte[] compressed = switch (r.nextInt(5)) {
                case 0 -> gzip(Mutations.randomBytes(r, 2048));
                case 1 -> Mutations.mutate(gzip(payload.toByteArray()), r);
                case 2 -> oneIn(r, 10) ? BOMB : ZEROS_AT_THE_LIMIT.get(r.nextInt(2));
                case 3 -> concat(gzip(payload.toByteArray()), gzip(Mutations.randomBytes(r, 64)));
                default -> gzip(payload.toByteArray());
            };
            e.setDataEncodingValue(oneIn(r, 10) ? r.nextInt() : 1).setData(ByteString.copyFrom(compressed));
        }
        byte[] envelope = oneIn(r, 10) ? Mutations.mutate(e.build().toByteArray(), r) : e.build().toByteArray();
        SignedEnvelope.Builder signed = SignedEnvelope.newBuilder()
                .setWireVersion(oneIn(r, 10) ? r.nextInt() : EnvelopeCodec.WIRE_VERSION)
                .setEnvelope(ByteString.copyFrom(envelope))
                .setKeyId(CONTROL_PLANE.keyId())
                .setSignature(ByteString.copyFrom(CONTROL_PLANE.sign(envelope)));
        switch (r.nextInt(12)) {
            case 0 -> signed.setSignature(ByteString.copyFrom(IMPOSTOR.sign(envelope)));
            case 1 -> signed.setSignature(ByteString.copyFrom(Mutations.randomBytes(r, 80)));
            case 2 -> signed.setKeyId(Mutations.randomText(r, 20));
            case 3 -> signed.clearKeyId().clearSignature();
            default -> {
            }
        }
        byte[] wire = signed.build().toByteArray();
        return new Crafted(oneIn(r, 10) ? Mutations.mutate(wire, r) : wire, expected);
    }

    @Provide
    Arbitrary<String> topics() {
        Arbitrary<String> valid = Combinators.combine(clusterIds(), Arbitraries.of(Topics.Kind.values()))
                .as(Topics::topic);
        return Arbitraries.oneOf(valid, valid.map(t -> Mutations.mutateText(t, new Random(t.hashCode()))),
                Arbitraries.strings().ofMaxLength(120), Arbitraries.strings().withChars("flotilav1/cusre+#$-").ofMaxLength(80));
    }

    // ---- helpers ----

    private static boolean oneIn(Random r, int n) {
        return r.nextInt(n) == 0;
    }

    static Envelope.Builder envelope(Message type, String subject) {
        return Envelope.newBuilder().setSpecversion(EnvelopeCodec.SPEC_VERSION).setId("fuzz").setSource("flotilla/control-plane")
                .setType(EnvelopeCodec.typeOf(type)).setSubject(subject).setTime(Timestamp.newBuilder().setSeconds(1_700_000_000))
                .setDatacontenttype(EnvelopeCodec.CONTENT_TYPE);
    }

    static byte[] signedEnvelope(Envelope envelope, SigningKey key) {
        byte[] bytes = envelope.toByteArray();
        return SignedEnvelope.newBuilder().setWireVersion(EnvelopeCodec.WIRE_VERSION).setEnvelope(ByteString.copyFrom(bytes))
                .setKeyId(key.keyId()).setSignature(ByteString.copyFrom(key.sign(bytes))).build().toByteArray();
    }

    private static SignedEnvelope parseSigned(byte[] wire) {
        try {
            return SignedEnvelope.parseFrom(wire);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] gzip(byte[] data) {
        var out = new ByteArrayOutputStream();
        try (var gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] gzipZeros(long count) {
        var out = new ByteArrayOutputStream();
        byte[] chunk = new byte[1 << 20];
        try (var gz = new GZIPOutputStream(out, 1 << 16)) {
            for (long written = 0; written < count; written += chunk.length) {
                gz.write(chunk, 0, (int) Math.min(chunk.length, count - written));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    /**
     * Decodes and returns the payload, or null when the codec refused it with a reason. Any other exception fails the
     * property; so does a decode that allocates more than its limits justify.
     */
    private static Message decode(EnvelopeCodec codec, byte[] wire, String cluster, Message prototype) {
        long before = allocatedBytes();
        try {
            return codec.decode(wire, cluster, prototype).payload();
        } catch (ProtocolException e) {
            assertThat(e.reason()).isNotNull();
            assertThat(e.getMessage()).isNotBlank();
            return null;
        } finally {
            assertAllocationBounded(allocatedBytes() - before, wire.length);
        }
    }

    private static Reason assertRefused(EnvelopeCodec codec, byte[] wire, String cluster, Message prototype) {
        long before = allocatedBytes();
        try {
            codec.decode(wire, cluster, prototype);
            return fail("decoded what should have been refused");
        } catch (ProtocolException e) {
            assertThat(e.getMessage()).isNotBlank();
            return e.reason();
        } finally {
            assertAllocationBounded(allocatedBytes() - before, wire.length);
        }
    }

    /**
     * What one decode may allocate: a few copies of the wire bytes and of the largest decompressed payload, whatever
     * the input declares (a gzip stream's size, a protobuf length).
     */
    private static void assertAllocationBounded(long allocated, int wireLength) {
        long bound = 16L * wireLength + 3L * EnvelopeCodec.DEFAULT_MAX_DATA_BYTES + (4 << 20);
        assertThat(allocated).as("bytes allocated decoding %d wire bytes", wireLength).isLessThan(bound);
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }
}
