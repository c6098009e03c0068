package io.flotilla.proto.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import io.flotilla.proto.EnvelopeCodec;
import io.flotilla.proto.VerificationKey;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Base64;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An agent one release older than the control plane keeps working, and so does a control plane one release older
 * than an agent: this code reads what each recorded release sent, and each recorded release reads what this code
 * sends. "Reads" is what that release's codec checked, done here with that release's recorded schema: wire version,
 * CloudEvents attributes, the Ed25519 signature over the envelope bytes, and the payload, whose fields known to the
 * release must carry the same values.
 */
class WireCompatibilityTest {

    static List<WireRecording> recordings() {
        List<WireRecording> all = WireRecording.all();
        assertThat(all).as("recorded releases under " + WireRecording.ROOT).isNotEmpty();
        return all;
    }

    @ParameterizedTest(name = "release {0}")
    @MethodSource("recordings")
    void theSchemaStillReadsAndWritesWhatTheReleaseDid(WireRecording release) {
        assertThat(SchemaCompatibility.problems(release.schema(), WireRecording.currentSchema())).isEmpty();
    }

    @ParameterizedTest(name = "release {0}")
    @MethodSource("recordings")
    void thisCodeAcceptsWhatTheReleaseSent(WireRecording release) throws Exception {
        for (WireSamples.Kind kind : WireSamples.Kind.values()) {
            byte[] sent = release.message(kind);
            VerificationKey sender = kind == WireSamples.Kind.DESIRED ? release.controlPlaneKey() : release.agentKey();

            EnvelopeCodec.Decoded<Message> decoded = EnvelopeCodec.builder("receiver").build()
                    .decodeFrom(sent, WireSamples.CLUSTER, kind.sample.getDefaultInstanceForType(), sender);

            assertThat(decoded.source()).as(kind.file).isEqualTo(kind.source);
            assertThat(asTheReleaseSeesIt(release, decoded.payload()))
                    .as("%s of release %s, as this code reads it", kind.file, release.version())
                    .isEqualTo(OldReader.read(release, kind, sent).payload());
        }
    }

    @ParameterizedTest(name = "release {0}")
    @MethodSource("recordings")
    void theReleaseAcceptsWhatThisCodeSends(WireRecording release) throws Exception {
        for (WireSamples.Kind kind : WireSamples.Kind.values()) {
            OldReader.Read recorded = OldReader.read(release, kind, release.message(kind));

            OldReader.Read now = OldReader.read(release, kind, kind.encode());

            assertThat(now.attributes()).as("%s envelope attributes that release %s checks", kind.file, release.version())
                    .isEqualTo(recorded.attributes());
            assertThat(now.payload()).as("%s as release %s reads it", kind.file, release.version())
                    .isEqualTo(asTheReleaseSeesIt(release, kind.sample));
        }
    }

    /** A message of this code in the release's schema: the fields the release knows, unknown ones kept aside. */
    private static DynamicMessage asTheReleaseSeesIt(WireRecording release, Message message) throws IOException {
        return DynamicMessage.parseFrom(OldReader.payloadType(release, message.getDescriptorForType().getName()),
                message.toByteArray());
    }

    /** The recorded release's codec, restated over its recorded schema. */
    static final class OldReader {

        /** What the release's agent or control plane checked before it used a payload, and the payload. */
        /** {@code DATA_ENCODING_GZIP}: the payload is gzip-compressed. */
        private static final int GZIP = 1;

        record Read(List<Object> attributes, DynamicMessage payload) {
        }

        static Read read(WireRecording release, WireSamples.Kind kind, byte[] wire) throws IOException {
            var envelopeFile = release.file("flotilla/v1/envelope.proto");
            DynamicMessage signed = DynamicMessage.parseFrom(envelopeFile.findMessageTypeByName("SignedEnvelope"), wire);
            ByteString envelopeBytes = (ByteString) field(signed, "envelope");
            VerificationKey key = kind == WireSamples.Kind.DESIRED ? release.controlPlaneKey() : release.agentKey();
            assertThat(key.keyId()).as("key id").isEqualTo(field(signed, "key_id"));
            assertThat(verifies(key, envelopeBytes.toByteArray(), ((ByteString) field(signed, "signature")).toByteArray()))
                    .as("the Ed25519 signature over the envelope's bytes").isTrue();

            DynamicMessage envelope = DynamicMessage.parseFrom(envelopeFile.findMessageTypeByName("Envelope"), envelopeBytes);
            byte[] data = ((ByteString) field(envelope, "data")).toByteArray();
            boolean gzip = ((EnumValueDescriptor) field(envelope, "data_encoding")).getNumber() == GZIP;
            if (gzip) {
                try (var in = new GZIPInputStream(new ByteArrayInputStream(data))) {
                    data = in.readAllBytes();
                }
            }
            List<Object> attributes = List.of(field(signed, "wire_version"), field(envelope, "specversion"),
                    field(envelope, "source"), field(envelope, "type"), field(envelope, "subject"),
                    field(envelope, "datacontenttype"));
            return new Read(attributes, DynamicMessage.parseFrom(payloadType(release, kind.sample.getDescriptorForType().getName()), data));
        }

        static Descriptor payloadType(WireRecording release, String name) {
            Descriptor type = release.file("flotilla/v1/fleet.proto").findMessageTypeByName(name);
            assertThat(type).as("message " + name + " in release " + release.version()).isNotNull();
            return type;
        }

        private static boolean verifies(VerificationKey key, byte[] message, byte[] signature) {
            var verifier = new Ed25519Signer();
            verifier.init(false, new Ed25519PublicKeyParameters(Base64.getDecoder().decode(key.toBase64()), 0));
            verifier.update(message, 0, message.length);
            return verifier.verifySignature(signature);
        }

        private static Object field(DynamicMessage message, String name) {
            var field = message.getDescriptorForType().findFieldByName(name);
            assertThat(field).as(message.getDescriptorForType().getName() + "." + name).isNotNull();
            return message.getField(field);
        }
    }
}
