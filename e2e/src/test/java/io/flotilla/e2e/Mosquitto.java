package io.flotilla.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.flotilla.bench.broker.MosquittoDynamicSecurityFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A real Mosquitto 2 broker (Debian package) on a free loopback port, set up as deploy/broker/README.md describes:
 * no anonymous clients, identities kept by the dynamic security plugin, whose file starts with just the control
 * plane's user ({@value #ADMIN_USER}) and the role the README gives it. The control plane, started with
 * {@link #controlPlaneProperties()}, creates each enrolled cluster's user through the plugin. Plain TCP on loopback:
 * TLS to an external broker is covered by the control plane's own Mosquitto tests.
 */
final class Mosquitto implements AutoCloseable {

    static final String ADMIN_USER = ControlPlaneProcess.BROKER_USER;
    private static final List<String> BINARIES = List.of("/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto");
    private static final List<String> PLUGINS = List.of("/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so",
            "/usr/lib/aarch64-linux-gnu/mosquitto_dynamic_security.so", "/usr/lib/mosquitto_dynamic_security.so",
            "/usr/local/lib/mosquitto_dynamic_security.so");

    private final ManagedProcess process;
    private final int port;
    private final String adminPassword;

    private Mosquitto(ManagedProcess process, int port, String adminPassword) {
        this.process = process;
        this.port = port;
        this.adminPassword = adminPassword;
    }

    static Optional<Path> binary() {
        return find(BINARIES);
    }

    private static Optional<Path> plugin() {
        return find(PLUGINS);
    }

    /**
     * The broker binary, or the test skipped (failed where CI sets FLOTILLA_REQUIRE_MOSQUITTO=1) when Mosquitto or
     * its dynamic security plugin is missing.
     */
    static Path binaryOrSkip(String test) {
        String missing = binary().isEmpty() ? "mosquitto is not installed (apt-get install mosquitto)"
                : plugin().isEmpty() ? "Mosquitto's dynamic security plugin was not found in " + PLUGINS : null;
        if (missing != null) {
            if ("1".equals(System.getenv("FLOTILLA_REQUIRE_MOSQUITTO"))) {
                fail(missing);
            }
            assumeTrue(false, missing + "; " + test + " skipped");
        }
        return binary().orElseThrow();
    }

    static Mosquitto start(Path binary, Path workDir) {
        return start(binary, workDir, ManagedProcess.freePort(), false);
    }

    /**
     * On a given {@code port}. {@code persistent}: retained messages and sessions are saved under
     * {@code workDir} when the broker stops and loaded when it starts there again, as a production broker would;
     * the identities (dynamic-security.json) and the control plane's password stay there too.
     * The broker keeps the user that starts it: started as root, Mosquitto would otherwise switch to the
     * {@code mosquitto} user, which cannot write its database into the test's folder.
     */
    static Mosquitto start(Path binary, Path workDir, int port, boolean persistent) {
        Path conf = workDir.resolve("mosquitto.conf");
        Path dynsec = workDir.resolve("dynamic-security.json").toAbsolutePath();
        Path passwordFile = workDir.resolve("admin-password");
        String adminPassword;
        try {
            Files.createDirectories(workDir);
            if (Files.exists(passwordFile) && Files.exists(dynsec)) {
                adminPassword = Files.readString(passwordFile).strip();
            } else {
                adminPassword = MosquittoDynamicSecurityFile.randomPassword();
                Files.writeString(dynsec, MosquittoDynamicSecurityFile.forControlPlane(ADMIN_USER, adminPassword));
                Files.writeString(passwordFile, adminPassword);
            }
            Files.writeString(conf, """
                    per_listener_settings false
                    allow_anonymous false
                    plugin %s
                    plugin_opt_config_file %s
                    listener %d 127.0.0.1
                    persistence %s
                    persistence_location %s/
                    max_queued_messages 10000
                    message_size_limit 262144
                    max_topic_alias 0
                    user %s
                    """.formatted(plugin().orElseThrow(() -> new IllegalStateException("no dynamic security plugin in " + PLUGINS)),
                    dynsec, port, persistent, workDir.toAbsolutePath(), System.getProperty("user.name")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ManagedProcess process = ManagedProcess.start("mosquitto",
                List.of(binary.toString(), "-c", conf.toAbsolutePath().toString()), Map.of(), workDir);
        await("mosquitto listening").atMost(Duration.ofSeconds(10)).until(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return true;
            } catch (IOException e) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("mosquitto exited:\n" + process.logTail());
                }
                return false;
            }
        });
        return new Mosquitto(process, port, adminPassword);
    }

    int port() {
        return port;
    }

    /** The control plane's broker user: it manages the clusters' identities and reads and writes flotilla/v1/#. */
    String adminPassword() {
        return adminPassword;
    }

    /** What a control plane needs to log in to this broker and keep the enrolled clusters' identities in it. */
    List<String> controlPlaneProperties() {
        return List.of("-Dflotilla.broker.username=" + ADMIN_USER, "-Dflotilla.broker.password=" + adminPassword,
                "-Dflotilla.broker.dynamic-security.enabled=true",
                "-Dflotilla.broker.dynamic-security.response-timeout=5s");
    }

    @Override
    public void close() {
        process.close();
    }

    private static Optional<Path> find(List<String> candidates) {
        List<Path> paths = new ArrayList<>();
        for (String candidate : candidates) {
            paths.add(Path.of(candidate));
        }
        return paths.stream().filter(Files::isRegularFile).findFirst();
    }
}
