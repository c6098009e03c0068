package io.flotilla.bench.scale;

import io.flotilla.bench.sim.FleetSimulator;
import io.flotilla.bench.sim.SimCluster;
import io.flotilla.bench.sim.SimOptions;
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
 * {@code --control-plane-pid}, the control plane's resident memory with the fleet connected is reported.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.flotilla.bench.scale.ConvergenceBenchmark --clusters 1000 \
 *     --control-plane http://127.0.0.1:18080 --broker tcp://127.0.0.1:19033 --control-plane-pid PID --token TOKEN</pre>
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
        String rss;
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
            long start = System.nanoTime();
            apply(cp, token, policy(n, jurisdictions, "v2"));
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
            flotilla = convergedAt.values().stream().mapToLong(Long::longValue).sorted().toArray();
            System.out.printf("Flotilla: %d/%d clusters applied the change; %s%n", flotilla.length, n, summary(flotilla));
        }
        // after the simulated fleet is gone: with 10,000 simulated clusters still reconciling on the same 2 cores,
        // connecting the raw subscribers alone took about 2 s each
        long[] raw = rawFanOut(broker, n, 1400);
        System.out.printf("raw broker fan-out of %d retained QoS 1 messages to %d subscribers: %s%n", n, n, summary(raw));
        if (flotilla.length > 0 && raw.length > 0) {
            System.out.printf("ratio Flotilla/raw: p50 %.1fx, p99 %.1fx, max %.1fx%n",
                    ratio(flotilla, raw, 0.50), ratio(flotilla, raw, 0.99), ratio(flotilla, raw, 1.0));
        }
        System.out.printf("control-plane RSS with %d clusters connected: %s%n", n, rss);
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
        HttpRequest.Builder request = HttpRequest.newBuilder(cp.resolve("/api/v1/policies?source=bench"))
                .header("Content-Type", "application/yaml").POST(HttpRequest.BodyPublishers.ofString(yaml))
                .timeout(Duration.ofMinutes(5));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("applying the policy failed: " + r.statusCode() + " " + r.body());
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
