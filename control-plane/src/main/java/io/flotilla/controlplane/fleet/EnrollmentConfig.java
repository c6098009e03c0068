package io.flotilla.controlplane.fleet;

import io.smallrye.config.ConfigMapping;
import java.util.Optional;

@ConfigMapping(prefix = "flotilla.enrollment")
public interface EnrollmentConfig {

    /**
     * The broker URL enrolled agents connect to, as written into their install snippet (e.g.
     * ssl://mqtt.example.com:8883). Unset: tcp://{flotilla.broker.host}:{flotilla.broker.port}, which only
     * suits agents on the control plane's own machine.
     */
    Optional<String> agentBrokerUrl();
}
