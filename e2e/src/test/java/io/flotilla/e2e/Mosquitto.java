package io.flotilla.e2e;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A real Mosquitto broker (Debian package) on a free loopback port. */
final class Mosquitto implements AutoCloseable {

    private final ManagedProcess process;
    private final int port;

    private Mosquitto(ManagedProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    static Optional<Path> binary() {
        for (String candidate : List.of("/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return Optional.of(Path.of(candidate));
            }
        }
        return Optional.empty();
    }

    static Mosquitto start(Path binary, Path workDir) {
        return start(binary, workDir, ManagedProcess.freePort(), false);
    }

    /**
     * On a given {@code port}. {@code persistent}: retained messages and sessions are saved under
     * {@code workDir} when the broker stops and loaded when it starts there again, as a production broker would.
     * The broker keeps the user that starts it: started as root, Mosquitto would otherwise switch to the
     * {@code mosquitto} user, which cannot write its database into the test's folder.
     */
    static Mosquitto start(Path binary, Path workDir, int port, boolean persistent) {
        Path conf = workDir.resolve("mosquitto.conf");
        try {
            Files.createDirectories(workDir);
            Files.writeString(conf, """
                    listener %d 127.0.0.1
                    allow_anonymous true
                    persistence %s
                    persistence_location %s/
                    max_queued_messages 10000
                    user %s
                    """.formatted(port, persistent, workDir.toAbsolutePath(), System.getProperty("user.name")));
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
        return new Mosquitto(process, port);
    }

    int port() {
        return port;
    }

    @Override
    public void close() {
        process.close();
    }
}
