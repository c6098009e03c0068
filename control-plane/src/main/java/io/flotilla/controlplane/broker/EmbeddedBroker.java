package io.flotilla.controlplane.broker;

import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import io.flotilla.controlplane.identity.ClusterCredentialsIssued;
import io.flotilla.controlplane.identity.ClusterCredentialsRevoked;
import io.flotilla.controlplane.identity.ClusterIdentities;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Destroyed;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.interceptor.Interceptor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The embedded default's MQTT 5 broker. It starts before the messaging connector connects
 * (platform-before startup priority) and stops after the connector has closed (observer of the
 * application context's destruction). Those two lifecycle points belong to no single bean
 * instance, hence the one static holder.
 */
@ApplicationScoped
public class EmbeddedBroker {

    private static final Logger LOG = Logger.getLogger(EmbeddedBroker.class);
    private static final long START_TIMEOUT_SECONDS = 30;

    private static volatile Running running;

    private record Running(EmbeddedHiveMQ hivemq, Path workDir, BrokerSecurityExtension security,
            Optional<String> caCertificatePem) {
    }

    void start(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event, BrokerConfig config,
            ClusterIdentities identities, MeterRegistry metrics,
            @ConfigProperty(name = "flotilla.data-dir") String dataDir) {
        if (!config.embedded() || running != null) {
            return;
        }
        requireLoopback(config.host());
        String password = config.password().orElseThrow(() -> new IllegalStateException(
                "flotilla.broker.password is not set: the embedded broker admits no client without credentials"));
        Optional<BrokerCertificates.Material> tls = config.tls().port().isPresent()
                ? Optional.of(tlsMaterial(config, Path.of(dataDir))) : Optional.empty();
        Path workDir = createWorkDir(config, tls);
        var security = new BrokerSecurityExtension(new BrokerAccess(config.username(), password, identities), metrics);
        EmbeddedHiveMQ hivemq = EmbeddedHiveMQ.builder()
                .withConfigurationFolder(workDir.resolve("conf"))
                .withDataFolder(workDir.resolve("data"))
                .withExtensionsFolder(workDir.resolve("extensions"))
                .withEmbeddedExtension(EmbeddedExtension.builder()
                        .withId("flotilla-broker-security")
                        .withName("Flotilla cluster identities")
                        .withVersion("1")
                        .withPriority(1000)
                        .withStartPriority(1000)
                        .withExtensionMain(security)
                        .build())
                .withoutLoggingBootstrap()
                .build();
        try {
            // get() with a timeout, never join(): a broken class path otherwise hangs start-up forever
            hivemq.start().get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the embedded MQTT broker", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("embedded MQTT broker did not start on " + config.host() + ":"
                    + config.port() + " within " + START_TIMEOUT_SECONDS + " s", e);
        }
        running = new Running(hivemq, workDir, security, tls.map(BrokerCertificates.Material::caCertificatePem));
        LOG.infof("Embedded MQTT 5 broker listening on %s:%d%s; clients authenticate (control plane: user %s, "
                + "clusters: their enrollment credentials)", config.host(), config.port(),
                config.tls().port().isPresent() ? " and with TLS on " + config.tls().host().orElse(config.host()) + ":"
                        + config.tls().port().getAsInt() : "", config.username());
    }

    /** The CA certificate (PEM) of the embedded broker's TLS listener, which enrolled agents pin; empty without TLS. */
    public static Optional<String> caCertificatePem() {
        Running r = running;
        return r == null ? Optional.empty() : r.caCertificatePem();
    }

    /** A cluster's credentials were revoked: its agent is disconnected now, and its reconnects are refused. */
    void revoked(@Observes(during = TransactionPhase.AFTER_SUCCESS) ClusterCredentialsRevoked event) {
        disconnect(event.clientId(), "revoked");
    }

    /** A cluster was enrolled again: an agent still connected with the former credentials is disconnected. */
    void reissued(@Observes(during = TransactionPhase.AFTER_SUCCESS) ClusterCredentialsIssued event) {
        disconnect(event.clientId(), "re-enrolled");
    }

    private static void disconnect(String clientId, String why) {
        Running r = running;
        if (r != null && r.security().disconnect(clientId)) {
            LOG.infof("Disconnected MQTT client '%s': its cluster was %s", clientId, why);
        }
    }

    static void requireLoopback(String host) {
        boolean loopback;
        try {
            loopback = InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            loopback = false;
        }
        if (!loopback) {
            throw new IllegalStateException("flotilla.broker.host=" + host + " is not a loopback address: the embedded "
                    + "broker's plain listener serves this machine only. Serve agents elsewhere over TLS: set "
                    + "flotilla.broker.tls.port (and flotilla.broker.tls.host to the address to bind)");
        }
    }

    private static BrokerCertificates.Material tlsMaterial(BrokerConfig config, Path dataDir) {
        BrokerConfig.Tls tls = config.tls();
        if (tls.keyStore().isPresent()) {
            String ca = tls.caCertificate().map(f -> BrokerCertificates.readPem(Path.of(f))).orElseThrow(() ->
                    new IllegalStateException("flotilla.broker.tls.key-store is set without flotilla.broker.tls.ca-certificate, "
                            + "which agents need to verify the broker"));
            return new BrokerCertificates.Material(Path.of(tls.keyStore().get()),
                    tls.keyStorePassword().orElseThrow(() -> new IllegalStateException(
                            "flotilla.broker.tls.key-store-password is required with flotilla.broker.tls.key-store")), ca);
        }
        return BrokerCertificates.loadOrCreate(dataDir.resolve("broker-tls"), tls.hostNames());
    }

    static void stop(@Observes @Destroyed(ApplicationScoped.class) Object ignored) {
        Running r = running;
        running = null;
        if (r == null) {
            return;
        }
        try {
            r.hivemq().stop().get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            r.hivemq().close();
        } catch (Exception e) {
            LOG.warn("Embedded MQTT broker did not stop cleanly", e);
        } finally {
            deleteRecursively(r.workDir());
        }
    }

    public static boolean isRunning() {
        return running != null;
    }

    private static Path createWorkDir(BrokerConfig config, Optional<BrokerCertificates.Material> tls) {
        try {
            Path dir = Files.createTempDirectory("flotilla-broker-");
            Files.createDirectories(dir.resolve("conf"));
            Files.createDirectories(dir.resolve("data"));
            Files.createDirectories(dir.resolve("extensions"));
            Files.writeString(dir.resolve("conf/config.xml"), """
                    <?xml version="1.0"?>
                    <hivemq>
                        <listeners>
                            <tcp-listener>
                                <port>%d</port>
                                <bind-address>%s</bind-address>
                            </tcp-listener>
                    %s
                        </listeners>
                        <persistence>
                            <mode>in-memory</mode>
                        </persistence>
                        <mqtt>
                            <!-- no topic aliases: Paho 1.2.5 re-sends a QoS 1 publish that was in flight when its
                                 connection dropped with the alias of the old connection and no topic, the broker
                                 disconnects it for that, and the agent is caught in a reconnect loop -->
                            <topic-alias>
                                <enabled>false</enabled>
                            </topic-alias>
                        </mqtt>
                        <anonymous-usage-statistics>
                            <enabled>false</enabled>
                        </anonymous-usage-statistics>
                    </hivemq>
                    """.formatted(config.port(), config.host(), tls.map(m -> tlsListener(config, m)).orElse("")));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the embedded MQTT broker's folder", e);
        }
    }

    private static String tlsListener(BrokerConfig config, BrokerCertificates.Material m) {
        return """
                        <tls-tcp-listener>
                            <port>%d</port>
                            <bind-address>%s</bind-address>
                            <tls>
                                <keystore>
                                    <path>%s</path>
                                    <password>%s</password>
                                    <private-key-password>%s</private-key-password>
                                </keystore>
                                <protocols>
                                    <protocol>TLSv1.3</protocol>
                                    <protocol>TLSv1.2</protocol>
                                </protocols>
                            </tls>
                        </tls-tcp-listener>
                """.formatted(config.tls().port().getAsInt(), config.tls().host().orElse(config.host()),
                m.keyStore().toAbsolutePath(), m.keyStorePassword(), m.keyStorePassword());
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.debugf("could not delete %s: %s", dir, e.getMessage());
        }
    }
}
