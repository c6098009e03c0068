package io.flotilla.agent.identity;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.flotilla.agent.state.AtomicFiles;
import io.flotilla.proto.VerificationKey;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code <stateDir>/identity.json}: the agent's identity, private key and broker password included,
 * so the file is the owner's alone (0600, in a 0700 directory, where the file system has POSIX
 * permissions). Written to a temporary file created with those permissions, flushed to disk, then
 * moved over the old one, so a crash leaves the old identity or the new one, never half of one.
 */
public final class IdentityFile {

    public static final String NAME = "identity.json";
    static final int FORMAT_VERSION = 1;

    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    /** The file's JSON shape; the public key is redundant and checked against the private one on load. */
    record Stored(int version, String clusterId, String privateKey, String publicKey, String brokerUrl,
            String username, String password, String clientId, List<String> controlPlaneKeys,
            String brokerCaCertificate, String desiredStateFloor) {
    }

    private IdentityFile() {
    }

    public static Path path(Path stateDir) {
        return stateDir.resolve(NAME);
    }

    public static boolean exists(Path stateDir) {
        return Files.exists(path(stateDir));
    }

    /** The identity stored in {@code stateDir}, or empty when the agent has not enrolled there. */
    public static Optional<AgentIdentity> read(Path stateDir) throws IOException {
        Path file = path(stateDir);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Stored stored;
        try {
            stored = JSON.readValue(file.toFile(), Stored.class);
        } catch (JsonProcessingException e) {
            throw new IOException(file + " is not a valid identity file: " + e.getOriginalMessage(), e);
        }
        try {
            return Optional.of(fromStored(stored));
        } catch (IllegalArgumentException | NullPointerException | DateTimeParseException e) {
            throw new IOException(file + " is not a valid identity file: " + e.getMessage(), e);
        }
    }

    /** Stores {@code identity} in {@code stateDir} (created if needed), replacing what was there. */
    public static void write(Path stateDir, AgentIdentity identity) throws IOException {
        Files.createDirectories(stateDir);
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                && Files.getFileStore(stateDir).supportsFileAttributeView("posix");
        if (posix) {
            Files.setPosixFilePermissions(stateDir, OWNER_DIR);
        }
        byte[] content = JSON.writeValueAsBytes(toStored(identity));
        if (posix) {
            AtomicFiles.write(stateDir, NAME, content, PosixFilePermissions.asFileAttribute(OWNER_FILE));
        } else {
            AtomicFiles.write(stateDir, NAME, content);
        }
    }

    private static Stored toStored(AgentIdentity identity) {
        return new Stored(FORMAT_VERSION, identity.clusterId(), identity.key().seed(),
                identity.publicKey().toBase64(), identity.brokerUrl(), identity.username().orElse(null),
                identity.password().orElse(null), identity.clientId(),
                identity.controlPlaneKeys().stream().map(VerificationKey::toBase64).sorted().toList(),
                identity.brokerCaPem().orElse(null), identity.desiredStateFloor().toString());
    }

    private static AgentIdentity fromStored(Stored s) {
        if (s.version() != FORMAT_VERSION) {
            throw new IllegalArgumentException("format version " + s.version() + ", this agent reads " + FORMAT_VERSION);
        }
        if (s.privateKey() == null) {
            throw new IllegalArgumentException("privateKey is missing");
        }
        AgentKey key = AgentKey.fromSeed(s.privateKey());
        if (s.publicKey() != null && !key.publicKey().equals(VerificationKey.fromBase64(s.publicKey()))) {
            throw new IllegalArgumentException("publicKey does not belong to privateKey");
        }
        Set<VerificationKey> trusted = new LinkedHashSet<>();
        for (String k : s.controlPlaneKeys() == null ? List.<String>of() : s.controlPlaneKeys()) {
            trusted.add(VerificationKey.fromBase64(k));
        }
        return new AgentIdentity(s.clusterId(), key, require(s.brokerUrl(), "brokerUrl"), Optional.ofNullable(s.username()),
                Optional.ofNullable(s.password()), require(s.clientId(), "clientId"), trusted,
                Optional.ofNullable(s.brokerCaCertificate()),
                Instant.parse(require(s.desiredStateFloor(), "desiredStateFloor")));
    }

    private static String require(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " is missing");
        }
        return value;
    }
}
