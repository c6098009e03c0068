package io.flotilla.proto.compat;

import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import io.flotilla.proto.VerificationKey;
import io.flotilla.proto.v1.DesiredState;
import io.flotilla.proto.v1.SignedEnvelope;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The wire as one release wrote it, kept under {@code src/test/resources/wire-compat/<version>/}: its schema (a
 * {@code FileDescriptorSet}), one encoded message of each {@link WireSamples.Kind}, and the public keys that signed
 * them. A release adds its own folder ({@code WireFixtureRecorder}); the folders of the releases still supported stay.
 */
record WireRecording(String version, FileDescriptorSet schema, Map<String, FileDescriptor> files, Path folder,
        VerificationKey controlPlaneKey, VerificationKey agentKey) {

    static final Path ROOT = Path.of("src/test/resources/wire-compat");
    private static final String SCHEMA = "schema.binpb";
    private static final String KEYS = "keys.properties";

    /** Every recorded release, oldest first. */
    static List<WireRecording> all() {
        try (Stream<Path> folders = Files.list(ROOT)) {
            return folders.filter(Files::isDirectory).sorted().map(WireRecording::load).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static WireRecording load(Path folder) {
        try {
            var keys = new Properties();
            try (var in = Files.newBufferedReader(folder.resolve(KEYS))) {
                keys.load(in);
            }
            String version = folder.getFileName().toString();
            var schema = FileDescriptorSet.parseFrom(Files.readAllBytes(folder.resolve(SCHEMA)));
            return new WireRecording(version, schema, descriptors(version, schema), folder,
                    VerificationKey.fromBase64(keys.getProperty("control-plane")),
                    VerificationKey.fromBase64(keys.getProperty("agent")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the wire recording in " + folder, e);
        }
    }

    /** The encoded message of {@code kind} as this release sent it. */
    byte[] message(WireSamples.Kind kind) {
        try {
            return Files.readAllBytes(folder.resolve(kind.file + ".bin"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes this code's schema, messages and keys as the recording of {@code version}. */
    static Path record(String version) throws IOException {
        Path folder = ROOT.resolve(version);
        Files.createDirectories(folder);
        Files.write(folder.resolve(SCHEMA), currentSchema().toByteArray());
        for (WireSamples.Kind kind : WireSamples.Kind.values()) {
            Files.write(folder.resolve(kind.file + ".bin"), kind.encode());
        }
        Files.writeString(folder.resolve(KEYS), "# the public keys that signed the messages of this recording\n"
                + "control-plane=" + WireSamples.CONTROL_PLANE_KEY.verificationKey().toBase64() + "\n"
                + "agent=" + WireSamples.AGENT_KEY.verificationKey().toBase64() + "\n");
        return folder;
    }

    /** The schema this code speaks: the envelope's and the payloads' files with what they import. */
    static FileDescriptorSet currentSchema() {
        Set<FileDescriptor> files = new LinkedHashSet<>();
        addWithDependencies(SignedEnvelope.getDescriptor().getFile(), files);
        addWithDependencies(DesiredState.getDescriptor().getFile(), files);
        var set = FileDescriptorSet.newBuilder();
        files.forEach(f -> set.addFile(f.toProto()));
        return set.build();
    }

    private static void addWithDependencies(FileDescriptor file, Set<FileDescriptor> into) {
        file.getDependencies().forEach(d -> addWithDependencies(d, into));
        into.add(file);
    }

    /** The recorded schema as descriptors, to read messages the way that release's code did. */
    FileDescriptor file(String name) {
        FileDescriptor file = files.get(name);
        if (file == null) {
            throw new IllegalStateException("the " + version + " recording has no " + name);
        }
        return file;
    }

    private static Map<String, FileDescriptor> descriptors(String version, FileDescriptorSet schema) {
        var built = new HashMap<String, FileDescriptor>();
        try {
            for (var proto : schema.getFileList()) {
                FileDescriptor[] deps = proto.getDependencyList().stream().map(built::get).toArray(FileDescriptor[]::new);
                built.put(proto.getName(), FileDescriptor.buildFrom(proto, deps));
            }
        } catch (DescriptorValidationException e) {
            throw new IllegalStateException("the " + version + " recording's schema does not build", e);
        }
        return Map.copyOf(built);
    }
}
