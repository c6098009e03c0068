package io.flotilla.proto;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import io.flotilla.proto.ProtocolException.Reason;
import io.flotilla.proto.v1.DataEncoding;
import io.flotilla.proto.v1.Envelope;
import io.flotilla.proto.v1.SignedEnvelope;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Encodes payload messages into signed envelopes and decodes them back, refusing anything that
 * is oversized, malformed, unsigned, signed by an unknown key, wrongly signed, of the wrong type
 * or about another cluster. Instances are immutable and thread-safe.
 */
public final class EnvelopeCodec {

    public static final int WIRE_VERSION = 1;
    public static final String SPEC_VERSION = "1.0";
    public static final String CONTENT_TYPE = "application/protobuf";
    /** Largest payload accepted on the wire, after compression. */
    public static final int DEFAULT_MAX_WIRE_BYTES = 256 * 1024;
    /** Largest payload accepted once decompressed: a guard against compression bombs. */
    public static final int DEFAULT_MAX_DATA_BYTES = 4 * 1024 * 1024;
    /** Payloads larger than this are gzip-compressed. */
    public static final int COMPRESS_ABOVE_BYTES = 4 * 1024;

    private static final String TYPE_PREFIX = "io.";
    /** The range google.protobuf.Timestamp defines: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z. */
    private static final long MIN_TIMESTAMP_SECONDS = -62_135_596_800L;
    private static final long MAX_TIMESTAMP_SECONDS = 253_402_300_799L;

    private final String source;
    private final SigningKey signingKey;
    private final Map<String, VerificationKey> trustedKeys;
    private final boolean requireSignature;
    private final int maxWireBytes;
    private final int maxDataBytes;
    private final Clock clock;
    private final Supplier<String> ids;

    private EnvelopeCodec(Builder b) {
        this.source = Objects.requireNonNull(b.source, "source");
        this.signingKey = b.signingKey;
        this.trustedKeys = Map.copyOf(b.trustedKeys);
        this.requireSignature = b.requireSignature;
        this.maxWireBytes = b.maxWireBytes;
        this.maxDataBytes = b.maxDataBytes;
        this.clock = b.clock;
        this.ids = b.ids;
    }

    public static Builder builder(String source) {
        return new Builder(source);
    }

    /** The CloudEvents type of a payload message, e.g. {@code io.flotilla.v1.DesiredState}. */
    public static String typeOf(Message payload) {
        return TYPE_PREFIX + payload.getDescriptorForType().getFullName();
    }

    /** Wraps {@code payload} about {@code clusterId} into an envelope, signed when this codec has a key. */
    public byte[] encode(String clusterId, Message payload) {
        return encode(clusterId, payload, clock.instant());
    }

    /**
     * As {@link #encode(String, Message)} with the envelope time given: an agent encodes its will (OFFLINE presence)
     * and the ONLINE presence of one connection at the same instant, so that a receiver ordering a cluster's
     * messages by envelope time accepts the will that the broker sends after the ONLINE one.
     */
    public byte[] encode(String clusterId, Message payload, Instant time) {
        Topics.requireValidClusterId(clusterId);
        Objects.requireNonNull(time, "time");
        byte[] data = payload.toByteArray();
        DataEncoding encoding = DataEncoding.DATA_ENCODING_IDENTITY;
        if (data.length > COMPRESS_ABOVE_BYTES) {
            data = gzip(data);
            encoding = DataEncoding.DATA_ENCODING_GZIP;
        }
        Instant now = time;
        byte[] envelope = Envelope.newBuilder()
                .setSpecversion(SPEC_VERSION)
                .setId(ids.get())
                .setSource(source)
                .setType(typeOf(payload))
                .setSubject(clusterId)
                .setTime(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
                .setDatacontenttype(CONTENT_TYPE)
                .setDataEncoding(encoding)
                .setData(ByteString.copyFrom(data))
                .build()
                .toByteArray();
        SignedEnvelope.Builder signed = SignedEnvelope.newBuilder()
                .setWireVersion(WIRE_VERSION)
                .setEnvelope(ByteString.copyFrom(envelope));
        if (signingKey != null) {
            signed.setKeyId(signingKey.keyId()).setSignature(ByteString.copyFrom(signingKey.sign(envelope)));
        }
        byte[] wire = signed.build().toByteArray();
        if (wire.length > maxWireBytes) {
            throw new IllegalArgumentException("encoded " + typeOf(payload) + " for cluster " + clusterId + " is "
                    + wire.length + " bytes, over the " + maxWireBytes + "-byte limit");
        }
        return wire;
    }

    /**
     * Decodes a payload of the type of {@code prototype} about {@code expectedClusterId}.
     *
     * @throws ProtocolException with a {@link Reason} when the payload is refused
     */
    public <T extends Message> Decoded<T> decode(byte[] wire, String expectedClusterId, T prototype)
            throws ProtocolException {
        return decode(wire, expectedClusterId, prototype, trustedKeys);
    }

    /**
     * Decodes a payload that must be signed by {@code senderKey} and no other key (a cluster's own key, registered at
     * its enrollment), whatever this codec trusts otherwise; unsigned payloads are refused as {@link Reason#UNSIGNED}.
     */
    public <T extends Message> Decoded<T> decodeFrom(byte[] wire, String expectedClusterId, T prototype,
            VerificationKey senderKey) throws ProtocolException {
        Objects.requireNonNull(senderKey, "senderKey");
        return decode(wire, expectedClusterId, prototype, Map.of(senderKey.keyId(), senderKey), true);
    }

    /**
     * As {@link #decode(byte[], String, Message)} trusting {@code keys} instead of the keys this codec was built with:
     * an agent's trust changes when the control plane rotates its signing key.
     */
    public <T extends Message> Decoded<T> decodeTrusting(byte[] wire, String expectedClusterId, T prototype,
            Collection<VerificationKey> keys) throws ProtocolException {
        Map<String, VerificationKey> trusted = new HashMap<>();
        keys.forEach(k -> trusted.put(k.keyId(), k));
        return decode(wire, expectedClusterId, prototype, trusted);
    }

    /** The keys this codec was built to trust. */
    public Collection<VerificationKey> trustedKeys() {
        return trustedKeys.values();
    }

    private <T extends Message> Decoded<T> decode(byte[] wire, String expectedClusterId, T prototype,
            Map<String, VerificationKey> trusted) throws ProtocolException {
        return decode(wire, expectedClusterId, prototype, trusted, requireSignature);
    }

    private <T extends Message> Decoded<T> decode(byte[] wire, String expectedClusterId, T prototype,
            Map<String, VerificationKey> trusted, boolean signatureRequired) throws ProtocolException {
        if (wire == null || wire.length == 0) {
            throw new ProtocolException(Reason.MALFORMED, "empty payload");
        }
        if (wire.length > maxWireBytes) {
            throw new ProtocolException(Reason.OVERSIZED,
                    wire.length + " bytes on the wire, limit is " + maxWireBytes);
        }
        SignedEnvelope signed = parse(() -> SignedEnvelope.parseFrom(wire), "signed envelope");
        if (signed.getWireVersion() != WIRE_VERSION) {
            throw new ProtocolException(Reason.UNSUPPORTED_VERSION,
                    "wire version " + signed.getWireVersion() + ", this side speaks " + WIRE_VERSION);
        }
        byte[] envelopeBytes = signed.getEnvelope().toByteArray();
        String keyId = verifySignature(signed, envelopeBytes, trusted, signatureRequired);

        Envelope envelope = parse(() -> Envelope.parseFrom(envelopeBytes), "envelope");
        if (!SPEC_VERSION.equals(envelope.getSpecversion())) {
            throw new ProtocolException(Reason.UNSUPPORTED_VERSION,
                    "envelope specversion '" + envelope.getSpecversion() + "', expected " + SPEC_VERSION);
        }
        String expectedType = typeOf(prototype);
        if (!expectedType.equals(envelope.getType())) {
            throw new ProtocolException(Reason.WRONG_TYPE,
                    "envelope type '" + envelope.getType() + "', expected " + expectedType);
        }
        if (!envelope.getSubject().equals(expectedClusterId)) {
            throw new ProtocolException(Reason.WRONG_CLUSTER,
                    "envelope is about cluster '" + envelope.getSubject() + "', expected '" + expectedClusterId + "'");
        }
        byte[] data = switch (envelope.getDataEncoding()) {
            case DATA_ENCODING_IDENTITY -> envelope.getData().toByteArray();
            case DATA_ENCODING_GZIP -> gunzip(envelope.getData());
            default -> throw new ProtocolException(Reason.MALFORMED,
                    "unknown data encoding " + envelope.getDataEncodingValue());
        };
        @SuppressWarnings("unchecked")
        T payload = (T) parse(() -> prototype.getParserForType().parseFrom(data), expectedType);
        FieldDescriptor clusterField = payload.getDescriptorForType().findFieldByName("cluster_id");
        if (clusterField != null) {
            Object payloadCluster = payload.getField(clusterField);
            if (!expectedClusterId.equals(payloadCluster)) {
                throw new ProtocolException(Reason.WRONG_CLUSTER,
                        "payload is about cluster '" + payloadCluster + "', expected '" + expectedClusterId + "'");
            }
        }
        requireValidTimestamps(payload, expectedType);
        Instant time = toInstant(envelope.getTime(), "envelope time");
        return new Decoded<>(envelope.getId(), envelope.getSource(), time, keyId, payload);
    }

    /**
     * Refuses a payload whose timestamps lie outside the range of google.protobuf.Timestamp, so that receivers can turn
     * every timestamp into an {@link Instant} (which would throw for seconds beyond its range).
     */
    private static void requireValidTimestamps(Message payload, String what) throws ProtocolException {
        for (FieldDescriptor field : payload.getDescriptorForType().getFields()) {
            if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !field.isRepeated()
                    && field.getMessageType().equals(Timestamp.getDescriptor()) && payload.hasField(field)) {
                toInstant((Timestamp) payload.getField(field), what + "." + field.getName());
            }
        }
    }

    private static Instant toInstant(Timestamp t, String what) throws ProtocolException {
        if (t.getSeconds() < MIN_TIMESTAMP_SECONDS || t.getSeconds() > MAX_TIMESTAMP_SECONDS
                || t.getNanos() < 0 || t.getNanos() > 999_999_999) {
            throw new ProtocolException(Reason.MALFORMED, what + " is not a valid timestamp (seconds " + t.getSeconds()
                    + ", nanos " + t.getNanos() + ")");
        }
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }

    private static String verifySignature(SignedEnvelope signed, byte[] envelopeBytes,
            Map<String, VerificationKey> trustedKeys, boolean requireSignature) throws ProtocolException {
        boolean unsigned = signed.getSignature().isEmpty() && signed.getKeyId().isEmpty();
        if (unsigned) {
            if (requireSignature) {
                throw new ProtocolException(Reason.UNSIGNED, "payload carries no signature");
            }
            return "";
        }
        VerificationKey key = trustedKeys.get(signed.getKeyId());
        if (key == null) {
            throw new ProtocolException(Reason.UNKNOWN_KEY,
                    "signed with key '" + signed.getKeyId() + "', trusted: " + trustedKeys.keySet());
        }
        if (!key.verify(envelopeBytes, signed.getSignature().toByteArray())) {
            throw new ProtocolException(Reason.BAD_SIGNATURE, "signature does not match key " + key.keyId());
        }
        return key.keyId();
    }

    private interface ProtoParse<M> {
        M parse() throws InvalidProtocolBufferException;
    }

    private static <M> M parse(ProtoParse<M> parse, String what) throws ProtocolException {
        try {
            return parse.parse();
        } catch (InvalidProtocolBufferException e) {
            throw new ProtocolException(Reason.MALFORMED, what + " does not parse: " + e.getMessage(), e);
        }
    }

    private static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 4 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException("in-memory gzip failed", e);
        }
        return out.toByteArray();
    }

    private byte[] gunzip(ByteString compressed) throws ProtocolException {
        try (InputStream in = new GZIPInputStream(compressed.newInput())) {
            byte[] data = in.readNBytes(maxDataBytes + 1);
            if (data.length > maxDataBytes) {
                throw new ProtocolException(Reason.OVERSIZED,
                        "decompressed payload exceeds " + maxDataBytes + " bytes");
            }
            return data;
        } catch (IOException e) {
            throw new ProtocolException(Reason.MALFORMED, "compressed data is corrupt: " + e.getMessage(), e);
        }
    }

    /** A verified payload with the envelope attributes that receivers log and compare. */
    public record Decoded<T extends Message>(String id, String source, Instant time, String keyId, T payload) {
    }

    public static final class Builder {
        private final String source;
        private SigningKey signingKey;
        private final Map<String, VerificationKey> trustedKeys = new HashMap<>();
        private boolean requireSignature = true;
        private int maxWireBytes = DEFAULT_MAX_WIRE_BYTES;
        private int maxDataBytes = DEFAULT_MAX_DATA_BYTES;
        private Clock clock = Clock.systemUTC();
        private Supplier<String> ids = () -> UUID.randomUUID().toString();

        private Builder(String source) {
            this.source = source;
        }

        /** Signs every encoded envelope with {@code key}. */
        public Builder signWith(SigningKey key) {
            this.signingKey = key;
            return this;
        }

        /** Accepts envelopes signed by {@code key}; several keys allow rotation. */
        public Builder trust(VerificationKey key) {
            trustedKeys.put(key.keyId(), key);
            return this;
        }

        /** Whether unsigned envelopes are refused on decode (the default). */
        public Builder requireSignature(boolean required) {
            this.requireSignature = required;
            return this;
        }

        public Builder maxWireBytes(int bytes) {
            this.maxWireBytes = bytes;
            return this;
        }

        public Builder maxDataBytes(int bytes) {
            this.maxDataBytes = bytes;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public Builder ids(Supplier<String> ids) {
            this.ids = ids;
            return this;
        }

        public EnvelopeCodec build() {
            return new EnvelopeCodec(this);
        }
    }
}
