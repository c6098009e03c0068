package io.flotilla.controlplane.auth;

import io.quarkus.runtime.ExecutionMode;
import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

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

    /** Reads (or on first use writes) the password file only when the password is asked for. */
    static final class Source implements ConfigSource {

        private final Path dataDir;
        private volatile String password;

        Source(Path dataDir) {
            this.dataDir = dataDir;
        }

        @Override
        public Set<String> getPropertyNames() {
            return Set.of(PROPERTY);
        }

        @Override
        public Map<String, String> getProperties() {
            String value = getValue(PROPERTY);
            return value == null ? Map.of() : Map.of(PROPERTY, value);
        }

        @Override
        public String getValue(String name) {
            // the build reads configuration too, and records what it finds as defaults in the package: a password
            // must come only from the running application's data dir, never from the build machine's
            if (!PROPERTY.equals(name) || ExecutionMode.current() == ExecutionMode.UNSET) {
                return null;
            }
            if (password == null) {
                password = readOrCreate();
            }
            return password;
        }

        private synchronized String readOrCreate() {
            Path file = dataDir.resolve(FILE);
            try {
                if (Files.isRegularFile(file)) {
                    return Files.readString(file, StandardCharsets.UTF_8).strip();
                }
                DataDirectory.create(dataDir);
                boolean existingDatabase = Files.exists(dataDir.resolve("db").resolve("flotilla.mv.db"));
                String value = existingDatabase ? LEGACY_PASSWORD : TokenService.randomSecret("");
                SecretFiles.write(file, value);
                if (existingDatabase) {
                    org.jboss.logging.Logger.getLogger(EmbeddedDatabasePassword.class).warnf("The embedded database in %s was "
                            + "created with the former built-in password, now kept in %s; to change it, run "
                            + "ALTER USER flotilla SET PASSWORD '...' in H2 and write the new one to that file",
                            dataDir.toAbsolutePath(), file.toAbsolutePath());
                }
                return value;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read or create the embedded database's password file " + file, e);
            }
        }

        @Override
        public int getOrdinal() {
            return 260;
        }

        @Override
        public String getName() {
            return "flotilla embedded database password (" + dataDir.resolve(FILE) + ")";
        }
    }
}
