package io.flotilla.bench.soak;

import io.flotilla.simulator.SimOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The soak run's options, parsed from {@code --key value} or {@code --key=value} arguments.
 *
 * @param stuckAfter a generation the control plane wants on a cluster that its agent has not applied (nor a newer
 *                   one) for longer than this counts as stuck
 * @param settle     after the last policy change, how long the fleet may take to converge before the clusters still
 *                   behind count as lost
 */
public record SoakOptions(
        int clusters,
        Duration duration,
        Duration policyInterval,
        int restartsPerMinute,
        Duration telemetryInterval,
        Duration stuckAfter,
        Duration settle,
        Optional<Path> csv,
        int httpPort,
        int mqttPort,
        int postgresPort,
        Optional<Path> workDir,
        Path controlPlaneApp,
        Path mosquitto,
        String controlPlaneHeap,
        List<String> controlPlaneJavaOptions,
        long seed,
        Duration startTimeout) {

    public static final String USAGE = """
            usage: bench/soak.sh [options]   (java -cp bench/target/benchmarks.jar io.flotilla.bench.soak.SoakRun)
              --clusters N              simulated edge clusters (default 1000)
              --duration D              how long the soak runs after the fleet first converged, e.g. 30m, 3m (default 30m)
              --policy-interval D       a new version of the soak's FleetPolicy this often (default 1m)
              --restarts-per-minute N   random agent restarts a minute, spread over the minute; 0: none (default 5)
              --telemetry-interval D    each simulated agent's telemetry interval (default 10s)
              --stuck-after D           a desired generation not applied for this long is stuck
                                        (default 2 policy intervals)
              --settle D                time allowed after the last change for the fleet to converge; clusters
                                        still behind then lost their generation (default: --stuck-after)
              --csv FILE                also write the per-minute lines there as CSV
              --http-port N             the control plane's HTTP port (default 28080)
              --mqtt-port N             Mosquitto's port (default 28883)
              --postgres-port N         PostgreSQL's port (default 28432)
              --work-dir DIR            databases, broker files, logs (default: a new temporary folder, deleted
                                        after a passing run)
              --control-plane-app DIR   the packaged control plane (default control-plane/target/quarkus-app)
              --mosquitto PATH          the Mosquitto binary (default /usr/sbin/mosquitto)
              --control-plane-heap S    the control plane's -Xmx (default 1g)
              --control-plane-java-opts "OPTS"  more JVM options for the control plane, space-separated
              --seed N                  which clusters restart, and the simulated fleet (default 42)
              --start-timeout D         the most the fleet may take to connect, and then to converge on the first
                                        version, before the soak starts (default 10m)
            """;

    public static SoakOptions parse(String... args) {
        int clusters = 1000;
        Duration duration = Duration.ofMinutes(30);
        Duration policyInterval = Duration.ofMinutes(1);
        int restartsPerMinute = 5;
        Duration telemetryInterval = Duration.ofSeconds(10);
        Duration stuckAfter = null;
        Duration settle = null;
        Optional<Path> csv = Optional.empty();
        int httpPort = 28080;
        int mqttPort = 28883;
        int postgresPort = 28432;
        Optional<Path> workDir = Optional.empty();
        Path controlPlaneApp = Path.of("control-plane", "target", "quarkus-app");
        Path mosquitto = Path.of("/usr/sbin/mosquitto");
        String heap = "1g";
        List<String> javaOptions = List.of();
        long seed = 42;
        Duration startTimeout = Duration.ofMinutes(10);

        List<String> rest = new ArrayList<>(List.of(args));
        while (!rest.isEmpty()) {
            String arg = rest.remove(0);
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'");
            }
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (name.equals("help") || name.equals("h")) {
                throw new IllegalArgumentException("help");
            }
            if (value == null) {
                if (rest.isEmpty()) {
                    throw new IllegalArgumentException("--" + name + " needs a value");
                }
                value = rest.remove(0);
            }
            switch (name) {
                case "clusters" -> clusters = number(name, value, 1);
                case "duration" -> duration = positive(name, value);
                case "policy-interval" -> policyInterval = positive(name, value);
                case "restarts-per-minute" -> restartsPerMinute = number(name, value, 0);
                case "telemetry-interval" -> telemetryInterval = SimOptions.duration(name, value);
                case "stuck-after" -> stuckAfter = positive(name, value);
                case "settle" -> settle = positive(name, value);
                case "csv" -> csv = Optional.of(Path.of(value));
                case "http-port" -> httpPort = port(name, value);
                case "mqtt-port" -> mqttPort = port(name, value);
                case "postgres-port" -> postgresPort = port(name, value);
                case "work-dir" -> workDir = Optional.of(Path.of(value));
                case "control-plane-app" -> controlPlaneApp = Path.of(value);
                case "mosquitto" -> mosquitto = Path.of(value);
                case "control-plane-heap" -> {
                    if (!value.matches("[0-9]+[kKmMgG]?")) {
                        throw new IllegalArgumentException("--control-plane-heap must be a size such as 1g or 768m, got '"
                                + value + "'");
                    }
                    heap = value;
                }
                case "control-plane-java-opts" -> javaOptions = Arrays.stream(value.trim().split("\\s+"))
                        .filter(s -> !s.isEmpty()).toList();
                case "seed" -> seed = Long.parseLong(value);
                case "start-timeout" -> startTimeout = positive(name, value);
                default -> throw new IllegalArgumentException("unknown option --" + name);
            }
        }
        if (restartsPerMinute > 60 * clusters) {
            throw new IllegalArgumentException("--restarts-per-minute is more than the fleet can restart");
        }
        if (httpPort == mqttPort || httpPort == postgresPort || mqttPort == postgresPort) {
            throw new IllegalArgumentException("the HTTP, MQTT and PostgreSQL ports must differ");
        }
        Duration stuck = stuckAfter != null ? stuckAfter : policyInterval.multipliedBy(2);
        return new SoakOptions(clusters, duration, policyInterval, restartsPerMinute, telemetryInterval, stuck,
                settle != null ? settle : stuck, csv, httpPort, mqttPort, postgresPort, workDir, controlPlaneApp,
                mosquitto, heap, javaOptions, seed, startTimeout);
    }

    private static Duration positive(String name, String value) {
        Duration d = SimOptions.duration(name, value);
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException("--" + name + " must be positive, got '" + value + "'");
        }
        return d;
    }

    private static int number(String name, String value, int min) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n < min) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a whole number of at least " + min + ", got '"
                    + value + "'");
        }
    }

    private static int port(String name, String value) {
        int port = number(name, value, 1);
        if (port > 65535) {
            throw new IllegalArgumentException("--" + name + " must be a TCP port, got '" + value + "'");
        }
        return port;
    }
}
