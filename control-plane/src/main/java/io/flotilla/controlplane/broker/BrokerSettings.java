package io.flotilla.controlplane.broker;

import io.vertx.core.net.JksOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.PfxOptions;
import io.vertx.mqtt.MqttClientOptions;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.config.Config;

/**
 * Where and how the control plane connects: the MQTT connector's own settings
 * ({@code mp.messaging.connector.smallrye-mqtt.*}), so that the control plane's own clients
 * ({@link DynamicSecurityClient}, {@link RetainedMarker}) go wherever the messaging channels go, with the same TLS
 * trust and the same user.
 */
public record BrokerSettings(String host, int port, boolean ssl, boolean trustAll, String hostnameVerification,
        Optional<String> serverName, Optional<String> trustStoreType, Optional<String> trustStore,
        Optional<String> trustStorePassword, Optional<String> keyStoreType, Optional<String> keyStore,
        Optional<String> keyStorePassword, Optional<String> username, Optional<String> password) {

    private static final String PREFIX = "mp.messaging.connector.smallrye-mqtt.";

    public static BrokerSettings from(Config config) {
        boolean ssl = config.getOptionalValue(PREFIX + "ssl", Boolean.class).orElse(false);
        return new BrokerSettings(
                config.getValue(PREFIX + "host", String.class),
                config.getOptionalValue(PREFIX + "port", Integer.class).orElse(ssl ? 8883 : 1883),
                ssl,
                config.getOptionalValue(PREFIX + "trust-all", Boolean.class).orElse(false),
                config.getOptionalValue(PREFIX + "ssl.hostname-verification-algorithm", String.class).orElse("NONE"),
                config.getOptionalValue(PREFIX + "server-name", String.class),
                config.getOptionalValue(PREFIX + "ssl.truststore.type", String.class),
                config.getOptionalValue(PREFIX + "ssl.truststore.location", String.class),
                config.getOptionalValue(PREFIX + "ssl.truststore.password", String.class),
                config.getOptionalValue(PREFIX + "ssl.keystore.type", String.class),
                config.getOptionalValue(PREFIX + "ssl.keystore.location", String.class),
                config.getOptionalValue(PREFIX + "ssl.keystore.password", String.class),
                config.getOptionalValue(PREFIX + "username", String.class),
                config.getOptionalValue(PREFIX + "password", String.class));
    }

    public String address() {
        return (ssl ? "ssl://" : "tcp://") + host + ":" + port;
    }

    /**
     * The same mapping as the connector's (pem, jks or pkcs12 stores; the pem key store's password is the key file),
     * for a clean session with a client id of {@code clientIdPrefix} and a random suffix.
     */
    public MqttClientOptions clientOptions(String clientIdPrefix, int maxMessageSize) {
        MqttClientOptions options = new MqttClientOptions()
                .setClientId(clientIdPrefix + UUID.randomUUID())
                .setCleanSession(true)
                .setAutoKeepAlive(true)
                .setMaxMessageSize(maxMessageSize);
        username.ifPresent(options::setUsername);
        password.ifPresent(options::setPassword);
        if (ssl) {
            options.setSsl(true);
            options.setTrustAll(trustAll);
            options.setHostnameVerificationAlgorithm("NONE".equalsIgnoreCase(hostnameVerification) ? "" : hostnameVerification);
            trustStore.ifPresent(location -> {
                String type = trustStoreType.orElse("pkcs12");
                if ("pem".equalsIgnoreCase(type)) {
                    options.setTrustOptions(new PemTrustOptions().addCertPath(location));
                } else if ("jks".equalsIgnoreCase(type)) {
                    options.setTrustOptions(new JksOptions().setPath(location).setPassword(trustStorePassword.orElse(null)));
                } else {
                    options.setTrustOptions(new PfxOptions().setPath(location).setPassword(trustStorePassword.orElse(null)));
                }
            });
            keyStore.ifPresent(location -> {
                String type = keyStoreType.orElse("pkcs12");
                if ("pem".equalsIgnoreCase(type)) {
                    options.setKeyCertOptions(new PemKeyCertOptions().setCertPath(location).setKeyPath(keyStorePassword.orElse(null)));
                } else if ("jks".equalsIgnoreCase(type)) {
                    options.setKeyCertOptions(new JksOptions().setPath(location).setPassword(keyStorePassword.orElse(null)));
                } else {
                    options.setKeyCertOptions(new PfxOptions().setPath(location).setPassword(keyStorePassword.orElse(null)));
                }
            });
        }
        return options;
    }

    /** Never prints the password or store passwords. */
    @Override
    public String toString() {
        return "BrokerSettings[" + address() + ", user=" + username.orElse("") + ", trustStore=" + trustStore.orElse("")
                + ", hostnameVerification=" + hostnameVerification + "]";
    }
}
