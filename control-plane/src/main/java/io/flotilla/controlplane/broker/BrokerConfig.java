package io.flotilla.controlplane.broker;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

@ConfigMapping(prefix = "flotilla.broker")
public interface BrokerConfig {

    /** Start an in-process MQTT 5 broker (HiveMQ CE). False when an external broker is used. */
    @WithDefault("true")
    boolean embedded();

    /**
     * Address the embedded broker's plain (non-TLS) listener binds to, and the control plane connects to. It must be
     * a loopback address: clients elsewhere reach the embedded broker through its TLS listener only.
     */
    @WithDefault("127.0.0.1")
    String host();

    @WithDefault("1883")
    int port();

    /** The control plane's own user name on the broker; its password is {@code flotilla.broker.password}. */
    @WithDefault("flotilla-control-plane")
    String username();

    /**
     * The control plane's password on the broker. With the embedded broker it is generated on the first start and
     * kept in {@code ${flotilla.data-dir}/broker-password}.
     */
    Optional<String> password();

    Tls tls();

    interface Tls {

        /** Port of the embedded broker's MQTT-over-TLS listener; unset means no TLS listener. */
        OptionalInt port();

        /** Address the TLS listener binds to; unset: {@code flotilla.broker.host}. */
        Optional<String> host();

        /**
         * Names and addresses in the generated server certificate (the first is its common name); ignored when a
         * key store is given.
         */
        @WithDefault("localhost,127.0.0.1")
        List<String> hostNames();

        /** A JKS key store with the server's key and certificate chain; unset: generated under the data dir. */
        Optional<String> keyStore();

        Optional<String> keyStorePassword();

        /** PEM file of the CA that signed the key store's certificate, handed to agents at enrollment. */
        Optional<String> caCertificate();
    }
}
