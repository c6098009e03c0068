package io.flotilla.controlplane.auth;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The embedded default's first start: with no active admin token, create one and write it to {@code ${flotilla.data-dir}/admin-token} (owner-only), where fleetctl, the simulator and
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
        // the token itself never goes to the log: logs are collected, shipped and read by more people than the data dir
        LOG.infof("Created the first admin token '%s'; it is in %s (readable by this user only)", created.stored().name,
                file.toAbsolutePath().normalize());
    }

    static void write(Path file, String token) {
        try {
            SecretFiles.write(file, token);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the admin token to " + file, e);
        }
    }
}
