package io.flotilla.bench.scale;

import com.google.protobuf.Timestamp;
import io.flotilla.agent.identity.AgentIdentity;
import io.flotilla.policy.Sites;
import io.flotilla.proto.EnvelopeCodec;
import io.flotilla.proto.Topics;
import io.flotilla.proto.v1.CpuSample;
import io.flotilla.proto.v1.GpuSample;
import io.flotilla.proto.v1.MemorySample;
import io.flotilla.proto.v1.TelemetryReport;
import io.flotilla.simulator.FleetPlan;
import io.flotilla.simulator.FleetSimulator;
import io.flotilla.simulator.SimCluster;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.postgresql.PGConnection;

/**
 * Telemetry ingestion into PostgreSQL: {@code --publishers} MQTT clients send telemetry reports of
 * {@code --gpus} GPUs each (a report is gpus + 1 samples: one row per GPU and one for the node) at QoS 0 for
 * {@code --duration}, as fast as the broker takes them or paced to {@code --rate} samples per second in all, to a
 * running control plane built for PostgreSQL; the rows that land in {@code telemetry_sample} per second are the
 * result, and the control plane's dropped-sample counter says whether that rate was sustained. Then a raw COPY of the same number of
 * rows into a copy of that table with the same indexes, in the same database, for the ratio.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.flotilla.bench.scale.TelemetryIngestBenchmark --broker tcp://127.0.0.1:19033 \
 *     --control-plane http://127.0.0.1:18080 --jdbc jdbc:postgresql://... --user postgres --password postgres</pre>
 */
public final class TelemetryIngestBenchmark {

    private TelemetryIngestBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new ConcurrentHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            o.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        String broker = o.getOrDefault("broker", "tcp://127.0.0.1:1883");
        URI cp = URI.create(o.getOrDefault("control-plane", "http://127.0.0.1:8080"));
        String jdbc = o.get("jdbc");
        String user = o.getOrDefault("user", "postgres");
        String password = o.getOrDefault("password", "postgres");
        int publishers = Integer.parseInt(o.getOrDefault("publishers", "8"));
        int clusters = Integer.parseInt(o.getOrDefault("clusters", "1000"));
        int gpus = Integer.parseInt(o.getOrDefault("gpus", "8"));
        Duration duration = Duration.parse(o.getOrDefault("duration", "PT30S"));
        String token = o.get("token");
        long rate = Long.parseLong(o.getOrDefault("rate", "0"));
        // each publisher sends one report (gpus + 1 samples) per interval; 0: no pacing
        long intervalNanos = rate <= 0 ? 0 : 1_000_000_000L * publishers * (gpus + 1) / rate;

        // the control plane takes a cluster's telemetry only signed with the key the cluster enrolled
        List<SimCluster> fleet = FleetPlan.plan(Sites.builtIn(), clusters, "tel", 42);
        System.out.printf("registering and enrolling %d clusters...%n", clusters);
        Map<String, AgentIdentity> identities = FleetSimulator.enroll(cp, token, fleet);
        List<String> ids = fleet.stream().map(SimCluster::id).toList();
        Map<String, EnvelopeCodec> codecs = new HashMap<>();
        identities.forEach((id, identity) -> codecs.put(id, identity.envelopeCodec(Clock.systemUTC())));

        long before = count(jdbc, user, password, "telemetry_sample");
        ScheduledExecutorService executor = Executors.newScheduledThreadPool(10_000, Thread.ofVirtual().factory());
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong sent = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        List<MqttClient> clients = new ArrayList<>();
        for (int p = 0; p < publishers; p++) {
            MqttClient client = new MqttClient(broker, "telemetry-bench-" + UUID.randomUUID(), new MemoryPersistence(), executor);
            MqttConnectionOptions options = new MqttConnectionOptions();
            options.setReceiveMaximum(65_535);
            client.connect(options);
            clients.add(client);
            int first = p;
            threads.add(Thread.ofPlatform().start(() -> {
                int c = first;
                long seq = 0;
                long next = System.nanoTime();
                while (running.get()) {
                    if (intervalNanos > 0) {
                        next += intervalNanos;
                        long wait = next - System.nanoTime();
                        if (wait > 0) {
                            LockSupport.parkNanos(wait);
                        }
                    }
                    String id = ids.get(c % clusters);
                    EnvelopeCodec codec = codecs.get(id);
                    TelemetryReport.Builder r = TelemetryReport.newBuilder().setClusterId(id)
                            .setTime(Timestamp.newBuilder().setSeconds(Instant.now().getEpochSecond()).setNanos((int) (seq % 1_000_000_000)))
                            .setCpu(CpuSample.newBuilder().setUsedCores(3.5).setCapacityCores(32))
                            .setMemory(MemorySample.newBuilder().setUsedBytes(40L << 30).setCapacityBytes(128L << 30));
                    for (int g = 0; g < gpus; g++) {
                        r.addGpus(GpuSample.newBuilder().setIndex(g).setModel("NVIDIA L4").setUtilizationPercent((seq + g) % 100)
                                .setMemoryUsedMib(10_000).setMemoryTotalMib(23_034).setTemperatureCelsius(60).setPowerWatts(55));
                    }
                    try {
                        MqttMessage m = new MqttMessage(codec.encode(id, r.build()));
                        m.setQos(0);
                        client.publish(Topics.telemetry(id), m);
                        sent.addAndGet(gpus + 1);
                    } catch (Exception e) {
                        Thread.onSpinWait();
                    }
                    c += publishers;
                    seq++;
                }
            }));
        }
        long start = System.nanoTime();
        Thread.sleep(duration.toMillis());
        running.set(false);
        for (Thread t : threads) {
            t.join();
        }
        long publishSeconds = System.nanoTime() - start;
        // let the queue drain, then count what landed
        long landed;
        long previous = -1;
        while (true) {
            Thread.sleep(2000);
            landed = count(jdbc, user, password, "telemetry_sample") - before;
            if (landed == previous) {
                break;
            }
            previous = landed;
        }
        long elapsed = System.nanoTime() - start - 2_000_000_000L;
        for (MqttClient c : clients) {
            c.disconnect();
            c.close();
        }
        executor.shutdownNow();
        System.out.printf("sent %d samples in %.1f s (%.0f/s offered)%n", sent.get(), publishSeconds / 1e9, sent.get() / (publishSeconds / 1e9));
        System.out.printf("landed in PostgreSQL: %d samples in %.1f s = %.0f samples/s (%s)%n", landed, elapsed / 1e9,
                landed / (elapsed / 1e9), metrics(cp, token));

        long raw = rawCopy(jdbc, user, password, landed > 0 ? landed : sent.get(), gpus);
        System.out.printf("raw COPY into the same indexed table shape: %.0f rows/s; ratio ingestion/COPY %.2f%n",
                1e9 * (landed > 0 ? landed : sent.get()) / raw, (landed / (elapsed / 1e9)) / (1e9 * (landed > 0 ? landed : sent.get()) / raw));
    }

    private static long rawCopy(String jdbc, String user, String password, long rows, int gpus) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbc, user, password)) {
            c.createStatement().execute("DROP TABLE IF EXISTS raw_copy_bench");
            c.createStatement().execute("CREATE TABLE raw_copy_bench (LIKE telemetry_sample INCLUDING ALL)");
            PGConnection pg = c.unwrap(PGConnection.class);
            StringBuilder text = new StringBuilder();
            long start = System.nanoTime();
            for (long i = 0; i < rows; i++) {
                long g = i % (gpus + 1);
                text.append("tel-").append(i % 1000).append('\t').append(g == gpus ? "node" : "gpu" + g).append('\t')
                        .append(Instant.now()).append('\t').append(i % 100).append("\t10000\t23034\t60.0\t55.0\t\\N\n");
                if (text.length() > 1 << 20) {
                    pg.getCopyAPI().copyIn("COPY raw_copy_bench FROM STDIN", new StringReader(text.toString()));
                    text.setLength(0);
                }
            }
            pg.getCopyAPI().copyIn("COPY raw_copy_bench FROM STDIN", new StringReader(text.toString()));
            long took = System.nanoTime() - start;
            c.createStatement().execute("DROP TABLE raw_copy_bench");
            return took;
        }
    }

    private static long count(String jdbc, String user, String password, String table) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbc, user, password);
                ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The control plane's telemetry counters; {@code token}: an API token (metrics need one when access control is on). */
    private static String metrics(URI cp, String token) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(cp.resolve("/q/metrics"));
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            String body = HttpClient.newHttpClient().send(request.build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            return String.join(", ", body.lines().filter(l -> l.startsWith("flotilla_telemetry_samples_") || l.startsWith("flotilla_telemetry_reports_dropped")).toList());
        } catch (Exception e) {
            return "metrics unavailable: " + e.getMessage();
        }
    }
}
