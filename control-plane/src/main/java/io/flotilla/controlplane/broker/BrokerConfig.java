package io.flotilla.controlplane.broker;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "flotilla.broker")
public interface BrokerConfig {

    /** Start an in-process MQTT 5 broker (HiveMQ CE). False when an external broker is used. */
    @WithDefault("true")
    boolean embedded();

    /** Address the embedded broker binds to, and the control plane connects to. */
    @WithDefault("127.0.0.1")
    String host();

    @WithDefault("1883")
    int port();
}
