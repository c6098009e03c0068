package io.flotilla.controlplane.auth;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.jboss.logging.Logger;


/**
 * The embedded H2 database's password: generated at random on the first start and kept in
 * {@code ${flotilla.data-dir}/db-password} (owner-only), so that no two installations share a password written in
 * the source. Active only for an H2 file database; a password given in the environment or as a system property
 * still wins (this source's ordinal, 260, is above application.properties and below both).
 *
 * <p>A database created before the password file existed was created with the former fixed password; that one is
 * written to the file, so the database still opens, and a warning says how to change it.
 */
public class EmbeddedDatabasePassword implements ConfigSourceFactory {

    static final String PROPERTY = "quarkus.datasource.password";
    static final String FILE = "db-password";
    private static final String LEGACY_PASSWORD = "flotilla";

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        ConfigValue url = context.getValue("quarkus.datasource.jdbc.url");
        ConfigValue dataDir = context.getValue("flotilla.data-dir");
        if (url == null || url.getValue() == null || !url.getValue().startsWith("jdbc:h2:file:") || dataDir == null
                || dataDir.getValue() == null) {
            return List.of();
        }
        return List.of(new Source(Path.of(dataDir.getValue())));
    }

    /** The password file; a database created before it existed keeps the former fixed password. */
    static final class Source extends GeneratedSecretSource {

        private final Path dataDir;

        Source(Path dataDir) {
            super(PROPERTY, dataDir.resolve(FILE));
            this.dataDir = dataDir;
        }

        @Override
        protected String firstValue() {
            if (!Files.exists(dataDir.resolve("db").resolve("flotilla.mv.db"))) {
                return super.firstValue();
            }
            Logger.getLogger(EmbeddedDatabasePassword.class).warnf("The embedded database in %s was created with the "
                    + "former built-in password, now kept in %s; to change it, run ALTER USER flotilla SET PASSWORD "
                    + "'...' in H2 and write the new one to that file", dataDir.toAbsolutePath(), file().toAbsolutePath());
            return LEGACY_PASSWORD;
        }
    }
}
