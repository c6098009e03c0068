package io.flotilla.controlplane.fleet;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

@ConfigMapping(prefix = "flotilla.enrollment")
public interface EnrollmentConfig {

    /**
     * The broker URL enrolled agents connect to, as they receive it at enrollment (e.g. ssl://mqtt.example.com:8883).
     * Unset: the embedded broker's TLS listener when it has one (ssl://{first of flotilla.broker.tls.host-names}:port),
     * else tcp://{flotilla.broker.host}:{flotilla.broker.port}, which only suits agents on the control plane's machine.
     */
    Optional<String> agentBrokerUrl();

    /**
     * PEM file of the CA that signed the broker's certificate, handed to agents, which trust only it for the broker.
     * Unset: the embedded broker's own CA when it serves TLS.
     */
    Optional<String> agentBrokerCa();

    /** The control plane's URL as agents reach it to exchange their bootstrap token (written into install snippets). */
    @WithDefault("http://127.0.0.1:${quarkus.http.port}")
    String controlPlaneUrl();

    /** How long a bootstrap token may wait for its agent. */
    @WithDefault("24h")
    Duration tokenValidity();
}
