package io.flotilla.controlplane.broker;

import com.hivemq.embedded.EmbeddedHiveMQ;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Destroyed;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
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

    private record Running(EmbeddedHiveMQ hivemq, Path workDir) {
    }

    void start(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event, BrokerConfig config) {
        if (!config.embedded() || running != null) {
            return;
        }
        Path workDir = createWorkDir(config);
        EmbeddedHiveMQ hivemq = EmbeddedHiveMQ.builder()
                .withConfigurationFolder(workDir.resolve("conf"))
                .withDataFolder(workDir.resolve("data"))
                .withExtensionsFolder(workDir.resolve("extensions"))
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
        running = new Running(hivemq, workDir);
        LOG.infof("Embedded MQTT 5 broker listening on %s:%d", config.host(), config.port());
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

    private static Path createWorkDir(BrokerConfig config) {
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
                        </listeners>
                        <persistence>
                            <mode>in-memory</mode>
                        </persistence>
                        <anonymous-usage-statistics>
                            <enabled>false</enabled>
                        </anonymous-usage-statistics>
                    </hivemq>
                    """.formatted(config.port(), config.host()));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the embedded MQTT broker's folder", e);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.debugf("could not delete %s: %s", dir, e.getMessage());
        }
    }
}
