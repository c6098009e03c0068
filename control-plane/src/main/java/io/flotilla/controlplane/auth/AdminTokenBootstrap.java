package io.flotilla.controlplane.auth;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The embedded default's first start: with no active admin token, create one, print it once and
 * write it to {@code ${flotilla.data-dir}/admin-token} (owner-only), where fleetctl, the simulator and
 * the console's login page hint look for it.
 */
@ApplicationScoped
class AdminTokenBootstrap {

    private static final Logger LOG = Logger.getLogger(AdminTokenBootstrap.class);

    private final TokenService tokens;
    private final AuthConfig config;
    private final Path dataDir;

    AdminTokenBootstrap(TokenService tokens, AuthConfig config, @ConfigProperty(name = "flotilla.data-dir") Path dataDir) {
        this.tokens = tokens;
        this.config = config;
        this.dataDir = dataDir;
    }

    void onStart(@Observes StartupEvent event) {
        tokens.reload();
        if (!config.enabled()) {
            LOG.warn("Authentication is OFF (flotilla.auth.enabled=false): every request is served as an admin");
            return;
        }
        if (tokens.hasActiveAdmin()) {
            return;
        }
        TokenService.Created created = tokens.create("bootstrap-admin", Role.ADMIN);
        Path file = dataDir.resolve("admin-token");
        write(file, created.token());
        LOG.infof("Created the first admin token (shown once; also written to %s): %s", file.toAbsolutePath(), created.token());
    }

    static void write(Path file, String token) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling(".admin-token.tmp");
            Files.deleteIfExists(tmp);
            try {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(tmp); // not a POSIX file system
            }
            Files.writeString(tmp, token + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the admin token to " + file, e);
        }
    }
}
