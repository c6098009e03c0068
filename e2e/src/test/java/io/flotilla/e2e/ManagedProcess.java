package io.flotilla.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * A child process whose output goes to a log file and which dies with the test. The test copies the output into the
 * file (the child writes to a pipe), so that limits put on the child's own file writes leave its log intact.
 */
final class ManagedProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path log;

    private ManagedProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    static ManagedProcess start(String name, List<String> command, Map<String, String> env, Path workDir) {
        try {
            Files.createDirectories(workDir);
            Path log = workDir.resolve(name + ".log");
            ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
            pb.environment().putAll(env);
            Process process = pb.start();
            Thread.ofPlatform().name("log-" + name).daemon().start(() -> copy(process.getInputStream(), log));
            return new ManagedProcess(name, process, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + command, e);
        }
    }

    private static void copy(InputStream output, Path log) {
        try (output; OutputStream file = Files.newOutputStream(log)) {
            byte[] buffer = new byte[8192];
            for (int n; (n = output.read(buffer)) >= 0; ) {
                file.write(buffer, 0, n);
                file.flush(); // read while the process runs
            }
        } catch (IOException e) {
            // the process ended or the test is over
        }
    }

    /**
     * Sets the largest file the process may write, in bytes ({@code RLIMIT_FSIZE}, through util-linux's
     * {@code prlimit}); -1 lifts the limit. A write past it fails ({@code EFBIG}; the JVM ignores {@code SIGXFSZ}),
     * as a write fails on a full disk ({@code ENOSPC}).
     */
    void limitFileSize(long bytes) {
        String limit = bytes < 0 ? "unlimited" : Long.toString(bytes);
        run("prlimit", "--pid", Long.toString(process.pid()), "--fsize=" + limit + ":");
    }

    /** Sends a POSIX signal to the process (e.g. STOP and CONT to freeze and resume it). */
    void signal(String signal) {
        run("kill", "-" + signal, Long.toString(process.pid()));
    }

    private static void run(String... command) {
        try {
            Process p = new ProcessBuilder(command).inheritIO().start();
            if (p.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed (exit " + p.exitValue() + ")");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command[0] + " (util-linux and procps must be installed)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code java -jar jar} with the JVM that runs the tests, so the README's JDK is the one used. */
    static List<String> javaJar(Path jar, List<String> systemProperties) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        command.addAll(systemProperties);
        command.add("-jar");
        command.add(jar.toAbsolutePath().toString());
        return command;
    }

    static Path jar(String property) {
        Path jar = Path.of(System.getProperty(property, "missing-" + property));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " does not exist: run the tests with ./mvnw verify so the "
                    + "applications are packaged first");
        }
        return jar;
    }

    /** A new, empty folder for one test's processes, their data and their logs. */
    static Path freshWorkDir(String name) {
        Path dir = Path.of(System.getProperty("flotilla.e2e.work-dir", "target/e2e"), name);
        try {
            if (Files.exists(dir)) {
                try (var paths = Files.walk(dir)) {
                    paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits for the process to end; empty when it is still running after {@code timeout}. */
    OptionalInt waitForExit(long timeout, TimeUnit unit) throws InterruptedException {
        return process.waitFor(timeout, unit) ? OptionalInt.of(process.exitValue()) : OptionalInt.empty();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Everything the process wrote so far. */
    String log() throws IOException {
        return Files.readString(log);
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    String name() {
        return name;
    }

    /** Graceful stop (SIGTERM), then kill after a grace period. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Kills without a clean disconnect, as a power cut would. */
    void kill() {
        process.destroyForcibly();
    }
}
