package io.flotilla.controlplane.broker;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * Keeping an external Mosquitto's dynamic security plugin in step with the clusters' broker credentials
 * ({@link MosquittoDynamicSecurity}). The connection itself uses the MQTT connector's settings
 * ({@code mp.messaging.connector.smallrye-mqtt.*}), so host, TLS and the control plane's user are configured once.
 */
@ConfigMapping(prefix = "flotilla.broker.dynamic-security")
public interface DynamicSecurityConfig {

    /** Create, update and disable cluster identities in Mosquitto's dynamic security plugin. */
    @WithDefault("false")
    boolean enabled();

    /** How long to wait for the plugin's answer to one batch of commands before treating the broker as unreachable. */
    @WithDefault("10s")
    Duration responseTimeout();

    /** First delay before retrying after the broker could not be reached; doubled per failure up to retry-max-delay. */
    @WithDefault("1s")
    Duration retryInitialDelay();

    @WithDefault("60s")
    Duration retryMaxDelay();
}
