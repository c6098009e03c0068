package io.flotilla.bench.scale;

import io.flotilla.simulator.FleetSimulator;
import io.flotilla.simulator.SimCluster;
import io.flotilla.simulator.SimOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;

/**
 * Convergence at scale: N simulated clusters (real agent code, one MQTT session each) against a running
 * control plane and broker. One policy that selects every simulated cluster is applied and converged; then a
 * change to it (rollout waveSize 100%) is applied and the time until each cluster has applied the new
 * generation is measured. In the same run, the raw broker fan-out of the same number of messages of the same
 * size (one publisher, N subscribers, retained QoS 1, no Flotilla) is measured for the ratio. With
 * {@code --control-plane-pid}, the control plane's resident memory with the fleet connected is reported. With
 * {@code --replacements K [--policies P]}, re-placement is measured after that (see {@link #replacements}).
 *
 * <pre>java -cp bench/target/benchmarks.jar io.flotilla.bench.scale.ConvergenceBenchmark --clusters 1000 \
 *     --control-plane http://127.0.0.1:18080 --broker tcp://127.0.0.1:19033 --control-plane-pid PID --broker-pid PID \
 *     --token TOKEN</pre>
 */
public final class ConvergenceBenchmark {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private ConvergenceBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = options(args);
        int n = Integer.parseInt(opts.getOrDefault("clusters", "1000"));
        URI cp = URI.create(opts.getOrDefault("control-plane", "http://127.0.0.1:8080"));
        String broker = opts.getOrDefault("broker", "tcp://127.0.0.1:1883");
        Duration timeout = Duration.parse(opts.getOrDefault("timeout", "PT10M"));
        String pid = opts.get("control-plane-pid");
        String token = opts.get("token");

        System.out.printf("Convergence of %d simulated clusters, control plane %s, broker %s%n", n, cp, broker);
        List<String> simArgs = new ArrayList<>(List.of("--clusters", String.valueOf(n),
                "--control-plane", cp.toString(), "--broker", broker, "--telemetry-interval", "0",
                "--informers", "false", "--ready-delay", "0s", "--progress-interval", "30s"));
        if (token != null) {
            simArgs.addAll(List.of("--token", token));
        }
        long[] flotilla;
        long[] received;
        long[] delivered;
        String rss;
        String brokerPid = opts.get("broker-pid");
        try (FleetSimulator sim = FleetSimulator.start(SimOptions.parse(simArgs.toArray(String[]::new)), System.out)) {
            waitUntil("all connected", timeout, () -> sim.connected() == n);
            TreeSet<String> jurisdictions = new TreeSet<>();
            sim.clusters().stream().map(SimCluster::jurisdiction).forEach(jurisdictions::add);

            long t = System.nanoTime();
            apply(cp, token, policy(n, jurisdictions, "v1"));
            waitUntil("first version applied everywhere", timeout,
                    () -> sim.appliedGenerations().values().stream().allMatch(g -> g > 0));
            System.out.printf("first version (cold: connects, registration, placement) applied everywhere after %.1f s%n",
                    (System.nanoTime() - t) / 1e9);
            rss = pid == null ? "n/a" : rss(pid);

            Map<String, Long> before = sim.appliedGenerations();
            Map<String, Long> convergedAt = new ConcurrentHashMap<>();
            Map<String, Double> metricsBefore = scrape(cp, token);
            CpuTimes cpuBefore = CpuTimes.now(pid, brokerPid);
            sim.markArrivals();
            long start = System.nanoTime();
            apply(cp, token, policy(n, jurisdictions, "v2"));
            long apiReturned = System.nanoTime() - start;
            long deadline = start + timeout.toNanos();
            while (convergedAt.size() < n && System.nanoTime() < deadline) {
                long now = System.nanoTime();
                sim.appliedGenerations().forEach((id, g) -> {
                    if (g > before.get(id)) {
                        convergedAt.putIfAbsent(id, now - start);
                    }
                });
                Thread.sleep(10);
            }
            CpuTimes cpuUsed = CpuTimes.now(pid, brokerPid).minus(cpuBefore);
            long window = System.nanoTime() - start;
            flotilla = convergedAt.values().stream().mapToLong(Long::longValue).sorted().toArray();
            Map<String, long[]> arrivals = sim.arrivals();
            received = sinceStart(arrivals, 0, start);
            delivered = sinceStart(arrivals, 1, start);
            System.out.printf("Flotilla: %d/%d clusters applied the change; %s%n", flotilla.length, n, summary(flotilla));
            printBreakdown(apiReturned, received, delivered, flotilla, n, metricsBefore, scrape(cp, token));
            System.out.printf("CPU used in the %.1f s from the API call to the last applied (2 cores = %.1f core-s): %s%n",
                    window / 1e9, 2 * window / 1e9, cpuUsed);
            int replacements = Integer.parseInt(opts.getOrDefault("replacements", "0"));
            if (replacements > 0) {
                replacements(cp, token, sim, Integer.parseInt(opts.getOrDefault("policies", "1000")), replacements,
                        jurisdictions, timeout);
            }
        }
        // after the simulated fleet is gone: with 10,000 simulated clusters still reconciling on the same 2 cores,
        // connecting the raw subscribers alone took about 2 s each
        long[] raw = rawFanOut(broker, n, 1400);
        System.out.printf("raw broker fan-out of %d retained QoS 1 messages to %d subscribers: %s%n", n, n, summary(raw));
        if (delivered.length > 0 && raw.length > 0) {
            System.out.printf("ratio delivered/raw: p50 %.1fx, p99 %.1fx, max %.1fx%n",
                    ratio(delivered, raw, 0.50), ratio(delivered, raw, 0.99), ratio(delivered, raw, 1.0));
        }
        if (flotilla.length > 0 && raw.length > 0) {
            System.out.printf("ratio applied/raw: p50 %.1fx, p99 %.1fx, max %.1fx%n",
                    ratio(flotilla, raw, 0.50), ratio(flotilla, raw, 0.99), ratio(flotilla, raw, 1.0));
        }
        System.out.printf("control-plane RSS with %d clusters connected: %s%n", n, rss);
    }

    /**
     * Re-placement in the running control plane: {@code policies} small policies (three clusters each in one
     * jurisdiction) take the place of the benchmark's own (which spans every cluster), then {@code rounds} times one
     * cluster's agent stops until the control
     * plane's offline grace has passed (its eligibility changes: placement runs) and starts again (placement runs
     * again). Prints the control plane's own timers for those runs: the engine's (full or incremental) and the
     * placement and commit stages around it.
     */
    private static void replacements(URI cp, String token, FleetSimulator sim, int policies, int rounds,
            TreeSet<String> jurisdictions, Duration timeout) throws Exception {
        List<String> names = List.copyOf(jurisdictions);
        long t = System.nanoTime();
        var yaml = new StringBuilder();
        for (int i = 0; i < policies; i++) {
            yaml.append("""
                    apiVersion: flotilla.io/v1alpha1
                    kind: FleetPolicy
                    metadata:
                      name: replace-bench-%04d
                    spec:
                      workload:
                        model: bench/model-%04d
                        image: registry.example/bench:v1
                        resources: { gpu: 0, cpu: "10m", memory: 16Mi }
                      placement:
                        clusterSelector: { matchLabels: { simulated: "true" } }
                        jurisdictions: [%s]
                        minClusters: 1
                        maxClusters: 3
                    ---
                    """.formatted(i, i, names.get(i % names.size())));
            // a hundred per call: a thousand in one call at 10,000 clusters ran past the transaction timeout (60 s)
            if ((i + 1) % 100 == 0 || i == policies - 1) {
                apply(cp, token, yaml.toString());
                yaml.setLength(0);
            }
        }
        System.out.printf("%d policies applied, 100 per call, in %.1f s%n", policies, (System.nanoTime() - t) / 1e9);
        t = System.nanoTime();
        delete(cp, token, "scale-bench");
        System.out.printf("the benchmark's policy over every cluster deleted in %.1f s%n", (System.nanoTime() - t) / 1e9);
        waitUntilSteady(sim, timeout);

        Map<String, Double> before = scrape(cp, token);
        var random = new java.util.Random(42);
        List<SimCluster> fleet = sim.clusters();
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int round = 0; round < rounds; round++) {
            String id = fleet.get(random.nextInt(fleet.size())).id();
            double runs = placementRuns(scrape(cp, token));
            sim.stop(id);
            awaitPlacementRun(cp, token, runs, deadline, "placement after " + id + " went offline beyond the grace");
            double again = placementRuns(scrape(cp, token));
            sim.start(id);
            awaitPlacementRun(cp, token, again, deadline, "placement after " + id + " came back");
        }
        Map<String, Double> after = scrape(cp, token);
        System.out.printf("Re-placement after one cluster's eligibility changed, %d policies x %d clusters, %d changes"
                + " (control plane's timers, these runs only; p99: its own estimate over the last minutes)%n",
                policies, fleet.size(), 2 * rounds);
        System.out.printf("  %-44s %8s %10s %10s %10s%n", "timer", "count", "mean ms", "p99 ms", "max ms");
        for (String mode : List.of("incremental", "full")) {
            timerRow("placement engine, " + mode, "flotilla_placement_engine_seconds", "mode=\"" + mode + "\"", before, after);
        }
        for (String stage : List.of("placement", "commit")) {
            timerRow("stage " + stage + " (engine included)", "flotilla_change_stage_seconds", "stage=\"" + stage + "\"",
                    before, after);
        }
    }

    /**
     * Until the control plane has run placement more than {@code runs} times. Polled twice a second: its metrics page
     * lists a series per cluster, and scraping it as often as {@link #waitUntil} polls would load the control plane
     * during the runs being measured.
     */
    private static void awaitPlacementRun(URI cp, String token, double runs, long deadline, String what) throws Exception {
        while (placementRuns(scrape(cp, token)) <= runs) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for: " + what);
            }
            Thread.sleep(500);
        }
    }

    private static double placementRuns(Map<String, Double> metrics) {
        return metrics.getOrDefault("flotilla_placement_engine_seconds_count{mode=\"full\"}", 0.0)
                + metrics.getOrDefault("flotilla_placement_engine_seconds_count{mode=\"incremental\"}", 0.0);
    }

    private static void timerRow(String name, String metric, String label, Map<String, Double> before, Map<String, Double> after) {
        String labels = "{" + label + "}";
        double count = after.getOrDefault(metric + "_count" + labels, 0.0) - before.getOrDefault(metric + "_count" + labels, 0.0);
        double sum = after.getOrDefault(metric + "_sum" + labels, 0.0) - before.getOrDefault(metric + "_sum" + labels, 0.0);
        System.out.printf("  %-44s %8.0f %10.2f %10.2f %10.2f%n", name, count, count == 0 ? Double.NaN : sum / count * 1e3,
                after.getOrDefault(metric + "{" + label + ",quantile=\"0.99\"}", Double.NaN) * 1e3,
                after.getOrDefault(metric + "_max" + labels, Double.NaN) * 1e3);
    }

    /** Until no cluster applied a new generation for 5 s: the dispatch of the last change is over. */
    private static void waitUntilSteady(FleetSimulator sim, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Long> last = sim.appliedGenerations();
        long quietSince = System.nanoTime();
        while (System.nanoTime() - quietSince < 5_000_000_000L) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeout + " waiting for the fleet to apply the policies");
            }
            Thread.sleep(500);
            Map<String, Long> now = sim.appliedGenerations();
            if (!now.equals(last)) {
                last = now;
                quietSince = System.nanoTime();
            }
        }
    }

    /** Per cluster, the nanoTime at {@code index} of its arrival less {@code start}, sorted; clusters without one left out. */
    private static long[] sinceStart(Map<String, long[]> arrivals, int index, long start) {
        return arrivals.values().stream().mapToLong(a -> a[index]).filter(t -> t != 0).map(t -> t - start).sorted().toArray();
    }

    /**
     * Where the time went: the control plane's own stage timers (count, mean, p99 over the last minutes, max, from its
     * /q/metrics before and after), then per cluster, from the API call: the desired state received from the broker,
     * verified and stored (delivered), applied.
     */
    private static void printBreakdown(long apiReturned, long[] received, long[] delivered, long[] applied, int n,
            Map<String, Double> before, Map<String, Double> after) {
        System.out.println("Breakdown of the change (control plane: its own timers, this change only; agents: per cluster, from the API call)");
        System.out.printf("  %-44s %8s %10s %10s %10s%n", "stage", "count", "mean ms", "p99 ms", "max ms");
        for (String stage : List.of("api", "placement", "commit", "compile-sign", "outbox-write", "outbox-to-ack", "publish-ack")) {
            String labels = "{stage=\"" + stage + "\"}";
            double count = after.getOrDefault("flotilla_change_stage_seconds_count" + labels, 0.0)
                    - before.getOrDefault("flotilla_change_stage_seconds_count" + labels, 0.0);
            double sum = after.getOrDefault("flotilla_change_stage_seconds_sum" + labels, 0.0)
                    - before.getOrDefault("flotilla_change_stage_seconds_sum" + labels, 0.0);
            double p99 = after.getOrDefault("flotilla_change_stage_seconds{stage=\"" + stage + "\",quantile=\"0.99\"}", Double.NaN);
            double max = after.getOrDefault("flotilla_change_stage_seconds_max" + labels, Double.NaN);
            System.out.printf("  %-44s %8.0f %10.2f %10.2f %10.2f%n", "control plane: " + stage, count,
                    count == 0 ? Double.NaN : sum / count * 1e3, p99 * 1e3, max * 1e3);
        }
        for (String mode : List.of("full", "incremental")) {
            String labels = "{mode=\"" + mode + "\"}";
            double count = after.getOrDefault("flotilla_placement_engine_seconds_count" + labels, 0.0)
                    - before.getOrDefault("flotilla_placement_engine_seconds_count" + labels, 0.0);
            double sum = after.getOrDefault("flotilla_placement_engine_seconds_sum" + labels, 0.0)
                    - before.getOrDefault("flotilla_placement_engine_seconds_sum" + labels, 0.0);
            System.out.printf("  %-44s %8.0f %10.2f %10s %10s%n", "control plane: placement engine, " + mode, count,
                    count == 0 ? Double.NaN : sum / count * 1e3, "", "");
        }
        System.out.printf("  %-44s %8d %10s %10.2f%n", "API call returned to the client", 1, "", apiReturned / 1e6);
        agentStage("agents: received from the broker", received, n);
        agentStage("agents: verified and stored (delivered)", delivered, n);
        agentStage("agents: applied", applied, n);
    }

    private static void agentStage(String name, long[] sorted, int n) {
        System.out.printf("  %-44s %8d %10s %10.2f %10.2f   p50 %.2f ms%n", name, sorted.length, "", percentile(sorted, 0.99) / 1e6,
                sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6, percentile(sorted, 0.50) / 1e6);
        if (sorted.length < n) {
            System.out.printf("  (%d of %d clusters did not reach this stage)%n", n - sorted.length, n);
        }
    }

    /** The control plane's Prometheus metrics, series (name and labels as written) to value. */
    private static Map<String, Double> scrape(URI cp, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(cp.resolve("/q/metrics")).timeout(Duration.ofSeconds(30));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("reading the control plane's metrics failed: " + r.statusCode());
        }
        Map<String, Double> series = new java.util.HashMap<>();
        for (String line : r.body().split("\n")) {
            int space = line.lastIndexOf(' ');
            if (line.startsWith("flotilla_") && space > 0) {
                try {
                    series.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
                } catch (NumberFormatException e) {
                    // not a sample line
                }
            }
        }
        return series;
    }

    /** CPU seconds used so far by the control plane, the broker and this process (the simulated fleet and the benchmark). */
    record CpuTimes(double controlPlane, double broker, double simulator) {
        static CpuTimes now(String controlPlanePid, String brokerPid) throws Exception {
            return new CpuTimes(cpuSeconds(controlPlanePid), cpuSeconds(brokerPid),
                    ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(Double.NaN));
        }

        CpuTimes minus(CpuTimes o) {
            return new CpuTimes(controlPlane - o.controlPlane, broker - o.broker, simulator - o.simulator);
        }

        @Override
        public String toString() {
            return String.format("control plane %.1f s, broker %.1f s, simulated fleet and benchmark %.1f s", controlPlane, broker, simulator);
        }

        /** utime + stime from /proc/PID/stat, in seconds (100 clock ticks a second, as on Linux x86-64). */
        private static double cpuSeconds(String pid) throws Exception {
            if (pid == null) {
                return Double.NaN;
            }
            String stat = Files.readString(Path.of("/proc", pid, "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
        }
    }

    /** One publisher, N subscribers each on its own topic: time from the start of publishing to each arrival. */
    static long[] rawFanOut(String broker, int n, int payloadSize) throws Exception {
        ScheduledExecutorService executor = Executors.newScheduledThreadPool(200_000, Thread.ofVirtual().factory());
        String run = UUID.randomUUID().toString().substring(0, 8);
        MqttClient[] subscribers = new MqttClient[n];
        long[] arrival = new long[n];
        AtomicInteger arrived = new AtomicInteger();
        long[] start = new long[1];
        try {
            // connected 64 at a time, as the simulated fleet connects: one after another took minutes at 10,000
            try (ExecutorService connecting = Executors.newFixedThreadPool(64, Thread.ofVirtual().factory())) {
                List<Future<?>> connected = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    int index = i;
                    connected.add(connecting.submit(() -> {
                        MqttClient c = new MqttClient(broker, "raw-sub-" + run + "-" + index, new MemoryPersistence(), executor);
                        subscribers[index] = c;
                        c.connect(new MqttConnectionOptions());
                        c.subscribe(new MqttSubscription[] {new MqttSubscription("bench/raw/" + run + "/" + index, 1)},
                                new IMqttMessageListener[] {(topic, m) -> {
                                    arrival[index] = System.nanoTime() - start[0];
                                    arrived.incrementAndGet();
                                }});
                        return null;
                    }));
                }
                for (Future<?> f : connected) {
                    f.get();
                }
            }
            MqttClient publisher = new MqttClient(broker, "raw-pub-" + run, new MemoryPersistence(), executor);
            MqttConnectionOptions options = new MqttConnectionOptions();
            options.setReceiveMaximum(65_535);
            publisher.connect(options);
            byte[] payload = new byte[payloadSize];
            start[0] = System.nanoTime();
            for (int i = 0; i < n; i++) {
                MqttMessage m = new MqttMessage(payload);
                m.setQos(1);
                m.setRetained(true);
                publisher.publish("bench/raw/" + run + "/" + i, m);
            }
            waitUntil("raw fan-out delivered", Duration.ofMinutes(5), () -> arrived.get() == n);
            for (int i = 0; i < n; i++) {
                MqttMessage clear = new MqttMessage(new byte[0]);
                clear.setRetained(true);
                publisher.publish("bench/raw/" + run + "/" + i, clear);
            }
            publisher.disconnect();
            publisher.close();
        } finally {
            // in parallel: one disconnect after another took minutes for a thousand subscribers
            try (ExecutorService closing = Executors.newVirtualThreadPerTaskExecutor()) {
                for (MqttClient c : subscribers) {
                    if (c == null) {
                        continue; // its connect failed or never ran
                    }
                    closing.execute(() -> {
                        try {
                            c.disconnectForcibly(0, 2000);
                            c.close();
                        } catch (Exception e) {
                            // best effort: the benchmark is over
                        }
                    });
                }
            }
            executor.shutdownNow();
        }
        long[] sorted = arrival.clone();
        Arrays.sort(sorted);
        return sorted;
    }

    private static String policy(int n, TreeSet<String> jurisdictions, String version) {
        return """
                apiVersion: flotilla.io/v1alpha1
                kind: FleetPolicy
                metadata:
                  name: scale-bench
                spec:
                  workload:
                    model: bench/model
                    image: registry.example/bench:%s
                    resources: { gpu: 0, cpu: "100m", memory: 128Mi }
                  placement:
                    clusterSelector: { matchLabels: { simulated: "true" } }
                    jurisdictions: [%s]
                    minClusters: 1
                    maxClusters: %d
                  rollout:
                    waveSize: 100%%
                    maxUnavailable: 100%%
                """.formatted(version, String.join(", ", jurisdictions), n);
    }

    private static void apply(URI cp, String token, String yaml) throws Exception {
        send(token, HttpRequest.newBuilder(cp.resolve("/api/v1/policies?source=bench"))
                .header("Content-Type", "application/yaml").POST(HttpRequest.BodyPublishers.ofString(yaml)), "applying the policy");
    }

    private static void delete(URI cp, String token, String policy) throws Exception {
        send(token, HttpRequest.newBuilder(cp.resolve("/api/v1/policies/" + policy)).DELETE(), "deleting policy " + policy);
    }

    /** Sends a change to the control plane with the admin token; anything but 200 ends the benchmark. */
    private static void send(String token, HttpRequest.Builder request, String what) throws Exception {
        request.timeout(Duration.ofMinutes(5));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(what + " failed: " + r.statusCode() + " " + r.body());
        }
    }

    private static String rss(String pid) throws Exception {
        return Files.readAllLines(Path.of("/proc", pid, "status")).stream().filter(l -> l.startsWith("VmRSS:"))
                .map(l -> l.substring(6).trim()).findFirst().orElse("unknown");
    }

    static String summary(long[] sortedNanos) {
        if (sortedNanos.length == 0) {
            return "no samples";
        }
        return String.format("p50 %.0f ms, p99 %.0f ms, max %.0f ms", percentile(sortedNanos, 0.50) / 1e6,
                percentile(sortedNanos, 0.99) / 1e6, sortedNanos[sortedNanos.length - 1] / 1e6);
    }

    static double percentile(long[] sorted, double p) {
        int index = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static double ratio(long[] a, long[] b, double p) {
        return percentile(a, p) / Math.max(1, percentile(b, p));
    }

    interface Condition {
        boolean met() throws Exception;
    }

    static void waitUntil(String what, Duration timeout, Condition condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.met()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeout + " waiting for: " + what);
            }
            Thread.sleep(50);
        }
    }

    /** {@code --name value} or {@code --name=value} pairs; shared by the benchmarks of this package. */
    static Map<String, String> options(String[] args) {
        Map<String, String> opts = new ConcurrentHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + a + "'");
            }
            int eq = a.indexOf('=');
            if (eq > 0) {
                opts.put(a.substring(2, eq), a.substring(eq + 1));
            } else {
                opts.put(a.substring(2), args[++i]);
            }
        }
        return opts;
    }
}
