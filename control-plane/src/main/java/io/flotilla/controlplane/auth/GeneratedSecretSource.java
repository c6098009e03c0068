package io.flotilla.controlplane.auth;

import io.quarkus.runtime.ExecutionMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * One configuration property whose value is a secret generated at random on the first start and kept in a file of
 * the data directory (owner-only), so that no two installations share a secret written in the source. A value given
 * in the environment or as a system property still wins (ordinal 260: above application.properties, below both).
 * The file is read, or written, only when the running application asks for the property: the build reads
 * configuration too, and records what it finds as defaults in the package.
 */
class GeneratedSecretSource implements ConfigSource {

    private final String property;
    private final Path file;
    private volatile String value;

    GeneratedSecretSource(String property, Path file) {
        this.property = property;
        this.file = file;
    }

    @Override
    public Set<String> getPropertyNames() {
        return Set.of(property);
    }

    @Override
    public Map<String, String> getProperties() {
        String v = getValue(property);
        return v == null ? Map.of() : Map.of(property, v);
    }

    @Override
    public String getValue(String name) {
        if (!property.equals(name) || ExecutionMode.current() == ExecutionMode.UNSET) {
            return null;
        }
        if (value == null) {
            value = readOrCreate();
        }
        return value;
    }

    private synchronized String readOrCreate() {
        try {
            if (Files.isRegularFile(file)) {
                return Files.readString(file, StandardCharsets.UTF_8).strip();
            }
            String created = firstValue();
            SecretFiles.write(file, created);
            return created;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the secret file " + file, e);
        }
    }

    /** The value written on the first start: random unless a subclass knows better. */
    protected String firstValue() {
        return TokenService.randomSecret("");
    }

    protected Path file() {
        return file;
    }

    @Override
    public int getOrdinal() {
        return 260;
    }

    @Override
    public String getName() {
        return "flotilla generated secret (" + file + ")";
    }
}
