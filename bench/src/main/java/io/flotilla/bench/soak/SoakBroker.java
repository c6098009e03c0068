package io.flotilla.bench.soak;

import io.flotilla.bench.broker.MosquittoDynamicSecurityFile;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Mosquitto as deploy/broker/mosquitto.conf sets it up: no anonymous clients, identities and ACLs kept by the
 * dynamic security plugin, whose file starts with just the control plane's user and the role deploy/broker/README.md
 * gives it; the control plane creates each enrolled cluster's user through the plugin, and every simulated agent logs
 * in with its own. The same limits as the shipped file (persistence, 1000 queued messages a client, 256 KiB
 * payloads). What differs: one plain-TCP listener on 127.0.0.1 instead of TLS on 8883, the plugin's file and the
 * persistence in the work folder, and the broker keeps the user that starts it.
 */
final class SoakBroker implements AutoCloseable {

    /** The control plane's broker user. */
    static final String CONTROL_PLANE_USER = "flotilla-control-plane";
    static final List<String> PLUGINS = List.of("/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so",
            "/usr/lib/aarch64-linux-gnu/mosquitto_dynamic_security.so", "/usr/lib/mosquitto_dynamic_security.so",
            "/usr/local/lib/mosquitto_dynamic_security.so");

    private final ChildProcess process;
    private final int port;
    private final String controlPlanePassword;

    private SoakBroker(ChildProcess process, int port, String controlPlanePassword) {
        this.process = process;
        this.port = port;
        this.controlPlanePassword = controlPlanePassword;
    }

    static Optional<Path> plugin() {
        return PLUGINS.stream().map(Path::of).filter(Files::isRegularFile).findFirst();
    }

    static SoakBroker start(Path binary, Path workDir, int port) throws IOException, InterruptedException {
        Path dir = Files.createDirectories(workDir.resolve("mosquitto"));
        Path plugin = plugin().orElseThrow(() -> new IllegalStateException(
                "Mosquitto's dynamic security plugin is not in any of " + PLUGINS));
        String password = MosquittoDynamicSecurityFile.randomPassword();
        Path dynsec = dir.resolve("dynamic-security.json").toAbsolutePath();
        Files.writeString(dynsec, MosquittoDynamicSecurityFile.forControlPlane(CONTROL_PLANE_USER, password));
        Path conf = dir.resolve("mosquitto.conf");
        Files.writeString(conf, """
                per_listener_settings false
                allow_anonymous false
                plugin %s
                plugin_opt_config_file %s
                persistence true
                persistence_location %s/
                max_queued_messages 1000
                message_size_limit 262144
                max_packet_size 266240
                user %s
                listener %d 127.0.0.1
                max_topic_alias 0
                """.formatted(plugin, dynsec, dir.toAbsolutePath(), System.getProperty("user.name"), port));
        ChildProcess process = ChildProcess.start("mosquitto", List.of(binary.toString(), "-c", conf.toString()), workDir,
                dir);
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                break;
            } catch (IOException e) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("mosquitto exited:\n" + process.logTail(4000));
                }
                if (System.nanoTime() > deadline) {
                    process.close();
                    throw new IllegalStateException("mosquitto is not listening on 127.0.0.1:" + port
                            + " after 15 s:\n" + process.logTail(4000));
                }
                Thread.sleep(100);
            }
        }
        return new SoakBroker(process, port, password);
    }

    String url() {
        return "tcp://127.0.0.1:" + port;
    }

    String controlPlanePassword() {
        return controlPlanePassword;
    }

    /** The control plane's settings for this broker, as for any external Mosquitto with dynamic security. */
    List<String> controlPlaneProperties() {
        return List.of("-Dflotilla.broker.embedded=false", "-Dflotilla.broker.host=127.0.0.1",
                "-Dflotilla.broker.port=" + port, "-Dflotilla.broker.username=" + CONTROL_PLANE_USER,
                "-Dflotilla.broker.password=" + controlPlanePassword, "-Dflotilla.broker.dynamic-security.enabled=true");
    }

    ChildProcess process() {
        return process;
    }

    @Override
    public void close() {
        process.close();
    }
}
