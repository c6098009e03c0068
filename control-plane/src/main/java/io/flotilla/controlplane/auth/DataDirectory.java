package io.flotilla.controlplane.auth;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The data directory holds the database, the signing key and the admin token: it is created owner-only (0700), and
 * at every start its folders are set to 0700 and its files to 0600, whatever umask created them (the database
 * engine creates its files with the process's umask).
 */
@ApplicationScoped
class DataDirectory {

    private static final Logger LOG = Logger.getLogger(DataDirectory.class);
    static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private final Path dataDir;

    DataDirectory(@ConfigProperty(name = "flotilla.data-dir") Path dataDir) {
        this.dataDir = dataDir;
    }

    void onStart(@Observes StartupEvent event) {
        try {
            create(dataDir);
            restrict(dataDir);
        } catch (IOException | UncheckedIOException e) {
            LOG.warnf("Could not make the data directory %s owner-only: %s", dataDir.toAbsolutePath(), e.getMessage());
        }
    }

    /** Creates {@code dir} (and missing parents) with mode 0700; an existing one is left as it is. */
    public static void create(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIRECTORY));
            Files.setPosixFilePermissions(dir, DIRECTORY); // createDirectories' mode is filtered by the umask
        } catch (UnsupportedOperationException e) {
            Files.createDirectories(dir);
        }
    }

    /** Sets every folder under {@code root} (itself included) to 0700 and every file to 0600. */
    static void restrict(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.toList()) {
                if (Files.isSymbolicLink(p)) {
                    continue;
                }
                Files.setPosixFilePermissions(p, Files.isDirectory(p) ? DIRECTORY : FILE);
            }
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: nothing to set
        }
    }
}
