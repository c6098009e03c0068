package io.flotilla.controlplane.broker;

import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A real Mosquitto 2 running the SHIPPED deploy/broker/mosquitto.conf, with only its paths, port, bind address and
 * user changed, a test CA's server certificate, and a dynamic security file holding just the control plane's user
 * with the role deploy/broker/README.md describes. Before rewriting, it checks that the shipped file still has its
 * security settings, so a weakened file fails the test instead of passing with the weakness.
 *
 * <p>Without Mosquitto or its plugin the control plane starts on its embedded broker and {@link #unavailableReason()}
 * says why, for the test to skip; with FLOTILLA_REQUIRE_MOSQUITTO=1 (CI) a missing broker fails instead.
 */
public class MosquittoDynamicSecurityResource implements QuarkusTestResourceLifecycleManager {

    static final String ADMIN_USER = "flotilla-control-plane";
    private static final Path SHIPPED_CONF = Path.of("..", "deploy", "broker", "mosquitto.conf");
    private static final List<String> BINARIES = List.of("/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto");
    private static final List<String> PLUGINS = List.of("/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so",
            "/usr/lib/aarch64-linux-gnu/mosquitto_dynamic_security.so", "/usr/lib/mosquitto_dynamic_security.so",
            "/usr/local/lib/mosquitto_dynamic_security.so");

    private Process process;
    private Path workDir;

    static Optional<String> unavailableReason() {
        if (find(BINARIES).isEmpty()) {
            return Optional.of("mosquitto is not installed (apt-get install mosquitto); Mosquitto identity test skipped");
        }
        if (find(PLUGINS).isEmpty()) {
            return Optional.of("Mosquitto's dynamic security plugin was not found in " + PLUGINS
                    + "; Mosquitto identity test skipped");
        }
        return Optional.empty();
    }

    @Override
    public Map<String, String> start() {
        Optional<String> unavailable = unavailableReason();
        if (unavailable.isPresent()) {
            if ("1".equals(System.getenv("FLOTILLA_REQUIRE_MOSQUITTO"))) {
                throw new IllegalStateException(unavailable.get());
            }
            return Map.of();
        }
        try {
            workDir = Files.createTempDirectory("flotilla-mosquitto-");
            TestCertificateAuthority ca = TestCertificateAuthority.create(workDir.resolve("certs"));
            String adminPassword = HexFormat.of().formatHex(randomBytes(16));
            Files.writeString(workDir.resolve("dynamic-security.json"), dynamicSecurityFile(adminPassword).encodePrettily());
            int port = freePort();
            Path conf = workDir.resolve("mosquitto.conf");
            Files.writeString(conf, rewriteShipped(Files.readString(SHIPPED_CONF), ca, port));
            process = new ProcessBuilder(find(BINARIES).get(), "-c", conf.toString())
                    .redirectErrorStream(true).redirectOutput(workDir.resolve("mosquitto.log").toFile()).start();
            awaitListening(port);
            Map<String, String> config = new HashMap<>();
            config.put("flotilla.broker.embedded", "false");
            config.put("flotilla.broker.host", "localhost");
            config.put("flotilla.broker.port", Integer.toString(port));
            // the connector's own keys: flotilla.broker.username/password are not (yet) declared by BrokerConfig, and
            // SmallRye Config refuses undeclared keys under a mapping's prefix when they are set as overrides
            config.put("mp.messaging.connector.smallrye-mqtt.username", ADMIN_USER);
            config.put("mp.messaging.connector.smallrye-mqtt.password", adminPassword);
            // the appended application.properties block maps these onto the connector's ssl.* attributes,
            // with hostname verification (HTTPS) on
            config.put("flotilla.broker.external-tls.enabled", "true");
            config.put("flotilla.broker.external-tls.trust-store", ca.caCertificate().toString());
            config.put("flotilla.broker.dynamic-security.enabled", "true");
            config.put("flotilla.broker.dynamic-security.response-timeout", "5s");
            return config;
        } catch (IOException e) {
            stop();
            throw new UncheckedIOException("cannot start Mosquitto in " + workDir, e);
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
    }

    @Override
    public void stop() {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
            process = null;
        }
        if (workDir != null) {
            try (Stream<Path> files = Files.walk(workDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            workDir = null;
        }
    }

    /**
     * The shipped configuration with the directives that name paths, the port and the user pointed at the test's
     * files; everything else (anonymous access, plugin, TLS version, persistence, limits) stays as shipped.
     */
    private String rewriteShipped(String shipped, TestCertificateAuthority ca, int port) {
        List<String> lines = shipped.lines().toList();
        requireDirective(lines, "per_listener_settings false");
        requireDirective(lines, "allow_anonymous false");
        requireDirective(lines, "tls_version tlsv1.2");
        requireDirective(lines, "persistence true");
        requireDirective(lines, "message_size_limit 262144");
        requireDirective(lines, "max_packet_size 266240");
        if (lines.stream().map(String::strip).anyMatch(l -> l.startsWith("password_file") || l.startsWith("acl_file"))) {
            throw new AssertionError(SHIPPED_CONF + " must authenticate through the dynamic security plugin only");
        }
        long listeners = lines.stream().map(String::strip).filter(l -> l.startsWith("listener ")).count();
        if (listeners != 1) {
            throw new AssertionError(SHIPPED_CONF + " must have exactly one listener (TLS on 8883), has " + listeners);
        }
        Map<String, String> replacements = Map.of(
                "listener", "listener " + port + " 127.0.0.1",
                "plugin", "plugin " + find(PLUGINS).orElseThrow(),
                "plugin_opt_config_file", "plugin_opt_config_file " + workDir.resolve("dynamic-security.json"),
                "persistence_location", "persistence_location " + workDir + "/",
                "certfile", "certfile " + ca.serverCertificate(),
                "keyfile", "keyfile " + ca.serverKey(),
                "cafile", "cafile " + ca.caCertificate(),
                "user", "user " + System.getProperty("user.name"));
        List<String> out = new ArrayList<>();
        Map<String, String> expected = new HashMap<>(Map.of("listener", "8883", "plugin", "mosquitto_dynamic_security.so",
                "certfile", "/etc/mosquitto/certs/", "keyfile", "/etc/mosquitto/certs/", "cafile", "/etc/mosquitto/certs/",
                "plugin_opt_config_file", "/", "persistence_location", "/", "user", ""));
        for (String line : lines) {
            String[] words = line.strip().split("\\s+", 2);
            String replacement = replacements.get(words[0]);
            if (replacement == null) {
                out.add(line);
                continue;
            }
            String value = words.length > 1 ? words[1] : "";
            String expectedPart = expected.remove(words[0]);
            if (expectedPart == null || !value.contains(expectedPart)) {
                throw new AssertionError(SHIPPED_CONF + ": unexpected '" + line + "'");
            }
            out.add(replacement);
        }
        if (!expected.isEmpty()) {
            throw new AssertionError(SHIPPED_CONF + " lacks " + expected.keySet());
        }
        return String.join("\n", out) + "\n";
    }

    private static void requireDirective(List<String> lines, String directive) {
        if (lines.stream().map(String::strip).noneMatch(directive::equals)) {
            throw new AssertionError(SHIPPED_CONF + " lost its setting '" + directive + "'");
        }
    }

    /**
     * What {@code mosquitto_ctrl dynsec init} writes (PBKDF2-SHA512, 12-byte salt, 101 iterations), with the control
     * plane's user holding only the role the README gives it, and the init's default ACL access.
     */
    private static JsonObject dynamicSecurityFile(String password) {
        byte[] salt = randomBytes(12);
        JsonArray acls = new JsonArray();
        for (String topic : List.of("$CONTROL/dynamic-security/#", "flotilla/v1/#")) {
            for (String type : List.of("publishClientSend", "publishClientReceive", "subscribePattern")) {
                acls.add(new JsonObject().put("acltype", type).put("topic", topic).put("allow", true));
            }
        }
        // Mosquitto 2.0.11 checks a shared subscription's whole filter, $share/<group>/ included
        acls.add(new JsonObject().put("acltype", "subscribePattern").put("topic", "$share/flotilla/flotilla/v1/#")
                .put("allow", true));
        return new JsonObject()
                .put("clients", new JsonArray().add(new JsonObject().put("username", ADMIN_USER)
                        .put("password", Base64.getEncoder().encodeToString(pbkdf2(password, salt)))
                        .put("salt", Base64.getEncoder().encodeToString(salt)).put("iterations", 101)
                        .put("roles", new JsonArray().add(new JsonObject().put("rolename", ADMIN_USER)))))
                .put("roles", new JsonArray().add(new JsonObject().put("rolename", ADMIN_USER).put("acls", acls)))
                .put("defaultACLAccess", new JsonObject().put("publishClientSend", false).put("publishClientReceive", true)
                        .put("subscribe", false).put("unsubscribe", true));
    }

    private static byte[] pbkdf2(String password, byte[] salt) {
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512")
                    .generateSecret(new PBEKeySpec(password.toCharArray(), salt, 101, 512)).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    /** A free loopback port in 18800-18999, starting at a random place so that parallel builds rarely meet. */
    private static int freePort() {
        int offset = ThreadLocalRandom.current().nextInt(200);
        for (int i = 0; i < 200; i++) {
            int port = 18800 + (offset + i) % 200;
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(false);
                socket.bind(new InetSocketAddress("127.0.0.1", port));
                return port;
            } catch (IOException busy) {
                // try the next one
            }
        }
        throw new IllegalStateException("no free port in 18800-18999");
    }

    private void awaitListening(int port) {
        await("mosquitto listening on " + port).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return true;
            } catch (IOException e) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("mosquitto exited with " + process.exitValue() + ":\n"
                            + Files.readString(workDir.resolve("mosquitto.log"), StandardCharsets.UTF_8));
                }
                return false;
            }
        });
    }

    private static Optional<String> find(List<String> candidates) {
        return candidates.stream().filter(c -> Files.isRegularFile(Path.of(c))).findFirst();
    }
}
