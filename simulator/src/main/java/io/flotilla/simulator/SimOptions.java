package io.flotilla.simulator;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The simulator's options, parsed from {@code --key=value} or {@code --key value} arguments.
 *
 * @param informers whether each agent watches its objects (drift repair, immediate status); off
 *                  by default above 500 clusters, where the simulated kubelet's nudges suffice, and with the
 *                  light cluster API, which answers no watches
 * @param apiServers how many simulated Kubernetes API servers the clusters are spread over; each agent uses
 *                  one, by its position in the fleet
 * @param modelServers whether each cluster runs an OpenAI-shaped stand-in model server that its agent reports as
 *                  the workloads' endpoint, so the router can reach it; off by default above 500 clusters
 * @param clusterApi what each simulated Kubernetes API server runs: the light API (default) or fabric8's CRUD mock
 * @param loadInterval how often each cluster with a stand-in model server reports live load for the router; zero: never
 */
public record SimOptions(
        int clusters,
        URI controlPlane,
        boolean register,
        Optional<String> key,
        String broker,
        Duration telemetryInterval,
        String prefix,
        long seed,
        Optional<Path> stateDir,
        Duration readyDelay,
        Duration progressInterval,
        boolean informers,
        boolean modelServers,
        Optional<String> token,
        int apiServers,
        ClusterApi clusterApi,
        Duration loadInterval) {

    /** The simulated Kubernetes API the agents' reconcile code talks to. */
    public enum ClusterApi {
        /** {@link LightClusterApi}: hashed lookups, no watches. */
        LIGHT,
        /** fabric8's CRUD mock server: watches too, but it scans every object it holds for every request. */
        CRUD
    }

    public static final String USAGE = """
            usage: java -jar simulator/target/flotilla-simulator.jar [options]
              --clusters N              simulated edge clusters (default 20)
              --control-plane URL       registers the clusters there and fetches its signing key
                                        (default http://127.0.0.1:8080)
              --no-register             do not register the clusters with the control plane
              --token TOKEN             API token for the control plane (default: $FLOTILLA_TOKEN, else the
                                        first line of ./data/admin-token when it exists)
              --key BASE64              the control plane's Ed25519 public key (default: fetched)
              --broker URL              MQTT broker (default tcp://127.0.0.1:1883)
              --telemetry-interval D    e.g. 10s, 500ms, 1m; 0 turns telemetry off (default 10s)
              --load-interval D         live model-server load for the router, with --model-servers; 0 turns
                                        it off (default 0; ./flotilla run uses 2s, as real agents do)
              --prefix P                cluster ids are P-<site>-<n> (default sim)
              --seed N                  capacity, jitter and telemetry are reproducible (default 42)
              --state-dir DIR           agent state (default a temporary directory, deleted on exit)
              --ready-delay D           how long the simulated kubelet takes to make a rollout ready (default 3s)
              --progress-interval D     how often progress is printed (default 5s)
              --informers true|false    each agent watches its objects (default: true up to 500 clusters
                                        with --cluster-api crud; the light API answers no watches)
              --cluster-api light|crud  the simulated Kubernetes API: light answers from hash maps, crud is
                                        fabric8's CRUD mock, which scans all it holds per request (default light)
              --api-servers N           simulated Kubernetes API servers the clusters are spread over (default:
                                        light one per 2,500 clusters, at most 4; crud one per 100, at most 16)
              --model-servers true|false  each cluster answers OpenAI-shaped requests on 127.0.0.1 and reports
                                        that endpoint, for the router (default: true up to 500 clusters)
            """;

    public static SimOptions parse(String... args) {
        int clusters = 20;
        URI controlPlane = URI.create("http://127.0.0.1:8080");
        boolean register = true;
        Optional<String> key = Optional.empty();
        String broker = "tcp://127.0.0.1:1883";
        Duration telemetry = Duration.ofSeconds(10);
        Duration load = Duration.ZERO;
        String prefix = "sim";
        long seed = 42;
        Optional<Path> stateDir = Optional.empty();
        Duration readyDelay = Duration.ofSeconds(3);
        Duration progress = Duration.ofSeconds(5);
        Boolean informers = null;
        Integer apiServers = null;
        Boolean modelServers = null;
        Optional<String> token = Optional.empty();
        ClusterApi clusterApi = ClusterApi.LIGHT;

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
            if (name.equals("no-register")) {
                register = false;
                continue;
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
                case "clusters" -> clusters = positive(name, value);
                case "control-plane" -> controlPlane = URI.create(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
                case "register" -> register = Boolean.parseBoolean(value);
                case "key" -> key = Optional.of(value);
                case "broker" -> broker = value;
                case "telemetry-interval" -> telemetry = duration(name, value);
                case "load-interval" -> load = duration(name, value);
                case "prefix" -> prefix = value;
                case "seed" -> seed = Long.parseLong(value);
                case "state-dir" -> stateDir = Optional.of(Path.of(value));
                case "ready-delay" -> readyDelay = duration(name, value);
                case "progress-interval" -> progress = duration(name, value);
                case "informers" -> informers = Boolean.parseBoolean(value);
                case "model-servers" -> modelServers = Boolean.parseBoolean(value);
                case "token" -> token = Optional.of(value.trim());
                case "api-servers" -> apiServers = positive(name, value);
                case "cluster-api" -> clusterApi = clusterApi(value);
                default -> throw new IllegalArgumentException("unknown option --" + name);
            }
        }
        if (!prefix.matches("[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?")) {
            throw new IllegalArgumentException("--prefix must be a short DNS-1123 label, got '" + prefix + "'");
        }
        if (progress.isZero() || progress.isNegative()) {
            throw new IllegalArgumentException("--progress-interval must be positive");
        }
        if (Boolean.TRUE.equals(informers) && clusterApi == ClusterApi.LIGHT) {
            throw new IllegalArgumentException("--informers true needs --cluster-api crud: the light API answers no "
                    + "watches");
        }
        return new SimOptions(clusters, controlPlane, register, key, broker, telemetry, prefix, seed, stateDir,
                readyDelay, progress, informers != null ? informers : clusterApi == ClusterApi.CRUD && clusters <= 500,
                modelServers != null ? modelServers : clusters <= 500,
                token.isPresent() ? token : defaultToken(),
                apiServers != null ? apiServers : defaultApiServers(clusterApi, clusters),
                clusterApi, load);
    }

    /**
     * The CRUD mock scans everything it holds for every request, so its clusters are spread thin: one server
     * per 100. The light API's cost per request does not grow with what it holds; more servers only share out
     * the HTTP work (each server answers on one Vert.x event loop) and the simulated kubelets' once-a-second list
     * of all their Deployments, so one per 2,500 clusters and 4 at most (10,000 clusters): more event loops would
     * only compete with the agents themselves for the cores.
     */
    private static int defaultApiServers(ClusterApi clusterApi, int clusters) {
        return switch (clusterApi) {
            case LIGHT -> Math.min(4, (clusters + 2499) / 2500);
            case CRUD -> Math.min(16, (clusters + 99) / 100);
        };
    }

    private static ClusterApi clusterApi(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "light" -> ClusterApi.LIGHT;
            case "crud" -> ClusterApi.CRUD;
            default -> throw new IllegalArgumentException("--cluster-api must be light or crud, got '" + value + "'");
        };
    }

    /** $FLOTILLA_TOKEN, else the first line of ./data/admin-token (where the embedded control plane writes it). */
    static Optional<String> defaultToken() {
        String env = System.getenv("FLOTILLA_TOKEN");
        if (env != null && !env.isBlank()) {
            return Optional.of(env.trim());
        }
        Path file = Path.of("data", "admin-token");
        try {
            return java.nio.file.Files.isReadable(file)
                    ? java.nio.file.Files.readAllLines(file).stream().map(String::trim).filter(l -> !l.isEmpty()).findFirst()
                    : Optional.empty();
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
    }

    /** 10s, 500ms, 2m, 1h, a bare number of seconds, or an ISO-8601 duration (PT10S). */
    public static Duration duration(String name, String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.startsWith("pt") || v.startsWith("p")) {
                return Duration.parse(value.trim().toUpperCase(Locale.ROOT));
            }
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            if (v.endsWith("s")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
            }
            if (v.endsWith("m")) {
                return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)) * 60);
            }
            if (v.endsWith("h")) {
                return Duration.ofHours(Long.parseLong(v.substring(0, v.length() - 1)));
            }
            return Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--" + name + " must be a duration such as 10s or 500ms, got '" + value + "'");
        }
    }

    private static int positive(String name, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a positive whole number, got '" + value + "'");
        }
    }
}
