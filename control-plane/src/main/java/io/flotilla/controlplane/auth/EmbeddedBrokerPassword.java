package io.flotilla.controlplane.auth;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * The control plane's own password on its embedded MQTT broker: generated on the first start and kept in
 * {@code ${flotilla.data-dir}/broker-password} (owner-only). Active only with the embedded broker; for an external
 * broker the operator gives {@code flotilla.broker.password}.
 */
public class EmbeddedBrokerPassword implements ConfigSourceFactory {

    static final String PROPERTY = "flotilla.broker.password";
    static final String FILE = "broker-password";

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        ConfigValue embedded = context.getValue("flotilla.broker.embedded");
        ConfigValue dataDir = context.getValue("flotilla.data-dir");
        if (embedded == null || !"true".equalsIgnoreCase(String.valueOf(embedded.getValue())) || dataDir == null
                || dataDir.getValue() == null) {
            return List.of();
        }
        return List.of(new GeneratedSecretSource(PROPERTY, Path.of(dataDir.getValue()).resolve(FILE)));
    }
}
