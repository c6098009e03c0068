package io.flotilla.controlplane.broker;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/**
 * TLS from the control plane to an external broker. application.properties maps these keys onto the MQTT connector's
 * {@code ssl.*} attributes, which is where they take effect (for the messaging channels and for
 * {@link MosquittoDynamicSecurity} alike); this interface declares them, so that setting them is valid configuration
 * under {@code flotilla.broker} and documented in one place. The control plane's client side only: the embedded
 * broker's own TLS listener is configured elsewhere.
 */
@ConfigMapping(prefix = "flotilla.broker.external-tls")
public interface ExternalBrokerTlsConfig {

    /** Connect with TLS; the broker's port is then usually 8883. */
    @WithDefault("false")
    boolean enabled();

    /** The CA certificate(s) that signed the broker's certificate; unset trusts the JVM's CAs. */
    Optional<String> trustStore();

    /** {@code pem} (a CA certificate file), {@code pkcs12} or {@code jks}. */
    @WithDefault("pem")
    String trustStoreType();

    /** For pkcs12 and jks trust stores. */
    Optional<String> trustStorePassword();
}
