package io.flotilla.controlplane.auth;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;

/** Secrets at rest: written whole (to a temporary file, then moved) and readable by their owner only, from the start. */
public final class SecretFiles {

    /** Writes a secret's bytes. */
    public interface Content {
        void writeTo(OutputStream out) throws IOException, GeneralSecurityException;
    }

    private SecretFiles() {
    }

    static void write(Path file, String secret) throws IOException {
        try {
            write(file, out -> out.write((secret + "\n").getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void write(Path file, Content content) throws IOException, GeneralSecurityException {
        DataDirectory.create(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(tmp); // not a POSIX file system
        }
        try (OutputStream out = Files.newOutputStream(tmp)) {
            content.writeTo(out);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
