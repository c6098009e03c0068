package io.flotilla.agent.footprint;

import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.flotilla.agent.identity.AgentIdentity;
import io.flotilla.agent.identity.IdentityFile;
import io.flotilla.proto.EnvelopeCodec;
import io.flotilla.proto.SigningKey;
import io.flotilla.proto.Topics;
import io.flotilla.proto.VerificationKey;
import io.flotilla.proto.v1.ClusterStatus;
import io.flotilla.proto.v1.DesiredState;
import io.flotilla.proto.v1.InferenceWorkload;
import io.flotilla.proto.v1.Resources;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;

/**
 * Footprint harness for the packaged edge agent: not a unit test, a main run by
 * {@code edge-agent/bench/footprint.sh}.
 *
 * <p>For every JVM flag set and round it starts a fresh fabric8 CRUD mock API server, publishes a
 * signed retained DesiredState with N workloads to a Mosquitto it started on loopback, launches
 * {@code java FLAGS -jar quarkus-run.jar} (or a start script), waits for a ClusterStatus whose
 * applied_generation is the published one, and samples VmRSS and Threads from /proc/PID/status
 * at ready and after the steady period. Rounds interleave the flag sets so drift on a shared
 * machine hits them alike.
 *
 * <p>Usage: {@code FootprintBench <configs.tsv> <out-dir>}, where every configs line is
 * {@code name<TAB>mode<TAB>command...} (mode {@code measure} or {@code train}; command is split on
 * spaces; {@code train} lines stop the agent with SIGTERM once ready so that an AOT cache or
 * dynamic CDS archive is written at exit). System properties: {@code workloads} (200),
 * {@code rounds} (3), {@code steadySeconds} (30), {@code readyTimeoutSeconds} (120),
 * {@code mosquitto} (/usr/sbin/mosquitto).
 */
public final class FootprintBench {

    private static final long GENERATION = 7;

    record Config(String name, boolean train, List<String> command) {
    }

    record Sample(long readyMillis, long rssReadyKb, long rssSteadyKb, int threadsReady, int threadsSteady) {
    }

    public static void main(String[] args) {
        try {
            run(args);
            System.exit(0); // Paho and the mock web server leave non-daemon threads behind
        } catch (Throwable e) {
            e.printStackTrace();
            System.exit(1);
        }
    }

    private static void run(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: FootprintBench <configs.tsv> <out-dir>");
            System.exit(2);
        }
        List<Config> configs = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t", 3);
            configs.add(new Config(f[0], f[1].equals("train"), List.of(f[2].trim().split(" +"))));
        }
        Path out = Path.of(args[1]).toAbsolutePath();
        Files.createDirectories(out);
        int workloads = Integer.getInteger("workloads", 200);
        int rounds = Integer.getInteger("rounds", 3);
        int steadySeconds = Integer.getInteger("steadySeconds", 30);
        int readyTimeout = Integer.getInteger("readyTimeoutSeconds", 120);

        SigningKey key = SigningKey.generate(new SecureRandom());
        EnvelopeCodec controlPlane = EnvelopeCodec.builder("flotilla/control-plane").signWith(key).build();
        EnvelopeCodec reader = EnvelopeCodec.builder("flotilla/control-plane").requireSignature(false).build();
        String publicKey = key.verificationKey().toBase64();

        int port = Integer.getInteger("brokerPort", 0) > 0 ? Integer.getInteger("brokerPort") : freePort();
        Path mosquittoConf = out.resolve("mosquitto.conf");
        Files.writeString(mosquittoConf, "listener " + port + " 127.0.0.1\nallow_anonymous true\n"
                + "persistence false\n");
        Process mosquitto = new ProcessBuilder(System.getProperty("mosquitto", "/usr/sbin/mosquitto"),
                "-c", mosquittoConf.toString())
                .redirectErrorStream(true).redirectOutput(out.resolve("mosquitto.log").toFile()).start();
        String brokerUrl = "tcp://127.0.0.1:" + port;
        MqttClient mqtt = connect(brokerUrl);

        Map<String, List<Sample>> results = new LinkedHashMap<>();
        try {
            for (Config c : configs) {
                if (c.train()) {
                    System.out.printf("[train] %s%n", c.name());
                    Sample s = runOnce(c, "train-" + c.name(), 0, workloads, 0, readyTimeout, out, mqtt,
                            controlPlane, reader, publicKey, brokerUrl);
                    System.out.printf("[train] %s ready in %d ms%n", c.name(), s.readyMillis());
                }
            }
            for (int round = 1; round <= rounds; round++) {
                for (Config c : configs) {
                    if (c.train()) {
                        continue;
                    }
                    Sample s = runOnce(c, c.name(), round, workloads, steadySeconds, readyTimeout, out, mqtt,
                            controlPlane, reader, publicKey, brokerUrl);
                    results.computeIfAbsent(c.name(), k -> new ArrayList<>()).add(s);
                    System.out.printf("round %d %-14s ready %5d ms  rss ready %6.1f MiB  steady %6.1f MiB"
                            + "  threads %d/%d%n", round, c.name(), s.readyMillis(), s.rssReadyKb() / 1024.0,
                            s.rssSteadyKb() / 1024.0, s.threadsReady(), s.threadsSteady());
                }
            }
        } finally {
            mqtt.disconnect();
            mqtt.close();
            mosquitto.destroy();
            mosquitto.waitFor(5, TimeUnit.SECONDS);
        }
        report(results, workloads, steadySeconds, out);
    }

    private static Sample runOnce(Config c, String name, int round, int workloads, int steadySeconds,
            int readyTimeout, Path out, MqttClient mqtt, EnvelopeCodec controlPlane, EnvelopeCodec reader,
            String publicKey, String brokerUrl) throws Exception {
        String cluster = ("fp-" + name + "-" + round).toLowerCase().replaceAll("[^a-z0-9-]", "-");
        Path work = out.resolve("runs").resolve(cluster);
        Files.createDirectories(work);
        KubernetesMockServer api = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        api.init(InetAddress.getLoopbackAddress(), 0);
        NamespacedKubernetesClient client = api.createClient();
        Path kubeconfig = work.resolve("kubeconfig");
        Files.writeString(kubeconfig, io.flotilla.agent.Fixtures.kubeconfig(client.getMasterUrl()));
        CompletableFuture<Long> applied = new CompletableFuture<>();
        // MqttClient.subscribe(String, int, IMqttMessageListener) recurses forever in Paho 1.2.5
        // the agent's identity, as enrollment would have left it (the bench's broker takes any client)
        AgentIdentity identity = AgentIdentity.unenrolled(cluster, brokerUrl, VerificationKey.fromBase64(publicKey));
        IdentityFile.write(work.resolve("state"), identity);
        org.eclipse.paho.mqttv5.client.IMqttMessageListener onStatus = (topic, message) -> {
            try {
                ClusterStatus status = reader.decodeFrom(message.getPayload(), cluster,
                        ClusterStatus.getDefaultInstance(), identity.publicKey()).payload();
                if (status.getAppliedGeneration() == GENERATION) {
                    applied.complete(System.nanoTime());
                }
            } catch (Exception e) {
                System.err.println("undecodable status: " + e);
            }
        };
        mqtt.subscribe(new org.eclipse.paho.mqttv5.common.MqttSubscription[] {
            new org.eclipse.paho.mqttv5.common.MqttSubscription(Topics.status(cluster), 1)},
                new org.eclipse.paho.mqttv5.client.IMqttMessageListener[] {onStatus});
        MqttMessage desired = new MqttMessage(controlPlane.encode(cluster, desired(cluster, workloads)));
        desired.setQos(1);
        desired.setRetained(true);
        mqtt.publish(Topics.desired(cluster), desired);

        Map<String, String> env = new LinkedHashMap<>();
        env.put("FLOTILLA_AGENT_CLUSTER_ID", cluster);
        env.put("FLOTILLA_AGENT_STATE_DIR", work.resolve("state").toString());
        env.put("FLOTILLA_AGENT_TELEMETRY_INTERVAL", "0s");
        env.put("KUBECONFIG", kubeconfig.toString());
        List<String> command = new ArrayList<>(c.command());
        if (command.size() > 2 && command.get(0).equals("env") && command.get(1).equals("-i")) {
            // a clean environment (no JDK on PATH): hand the agent's variables to env itself
            List<String> vars = env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
            command.addAll(2, vars);
        }
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(work.resolve("agent.log").toFile());
        pb.environment().putAll(env);
        long start = System.nanoTime();
        Process agent = pb.start();
        try {
            long readyAt;
            try {
                readyAt = applied.get(readyTimeout, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException(name + ": agent not ready within " + readyTimeout + " s; see "
                        + work.resolve("agent.log"));
            }
            long pid = agent.pid();
            Files.writeString(work.resolve("exe.txt"), Path.of("/proc", Long.toString(pid), "exe").toRealPath() + "\n");
            long rssReady = procStatus(pid, "VmRSS");
            int threadsReady = (int) procStatus(pid, "Threads");
            if (steadySeconds > 0) {
                Thread.sleep(steadySeconds * 1000L);
            }
            if (!agent.isAlive()) {
                throw new IllegalStateException(name + ": agent exited; see " + work.resolve("agent.log"));
            }
            long rssSteady = procStatus(pid, "VmRSS");
            int threadsSteady = (int) procStatus(pid, "Threads");
            if (c.command().stream().anyMatch(a -> a.startsWith("-XX:NativeMemoryTracking="))) {
                diagnose(pid, work);
            }
            return new Sample(TimeUnit.NANOSECONDS.toMillis(readyAt - start), rssReady, rssSteady, threadsReady,
                    threadsSteady);
        } finally {
            agent.destroy(); // SIGTERM: a training run writes its archive on the way out
            if (!agent.waitFor(120, TimeUnit.SECONDS)) {
                agent.destroyForcibly().waitFor();
            }
            // the start script may have exec'd java, but a wrapper that forked leaves children: end them too
            agent.descendants().forEach(ProcessHandle::destroy);
            mqtt.unsubscribe(Topics.status(cluster));
            MqttMessage clear = new MqttMessage(new byte[0]);
            clear.setRetained(true);
            mqtt.publish(Topics.desired(cluster), clear);
            client.close();
            api.destroy();
        }
    }

    static DesiredState desired(String cluster, int workloads) {
        DesiredState.Builder state = DesiredState.newBuilder().setClusterId(cluster).setGeneration(GENERATION);
        for (int i = 0; i < workloads; i++) {
            state.addWorkloads(InferenceWorkload.newBuilder()
                    .setName("model-%03d".formatted(i))
                    .setModel("meta-llama/Llama-3.1-8B-Instruct")
                    .setRuntime("vllm")
                    .setImage("vllm/vllm-openai:v0.8.5")
                    .setPort(8000)
                    .setReplicas(1)
                    .setPolicy("chat-eu")
                    .setResources(Resources.newBuilder().setGpu(1).setGpuMemoryMib(24576).setCpu("4")
                            .setMemory("16Gi")));
        }
        return state.build();
    }

    private static void report(Map<String, List<Sample>> results, int workloads, int steadySeconds, Path out)
            throws IOException {
        StringBuilder md = new StringBuilder();
        md.append("| flag set | runs | ready, median (min-max) ms | RSS at ready, median MiB | RSS steady +")
                .append(steadySeconds).append(" s, median (min-max) MiB | threads | ready vs default | RSS steady vs default |\n")
                .append("| --- | --- | --- | --- | --- | --- | --- | --- |\n");
        Double baseReady = null;
        Double baseRss = null;
        for (Map.Entry<String, List<Sample>> e : results.entrySet()) {
            List<Sample> s = e.getValue();
            double ready = median(s.stream().mapToLong(Sample::readyMillis).toArray());
            double rssReady = median(s.stream().mapToLong(Sample::rssReadyKb).toArray()) / 1024.0;
            double rssSteady = median(s.stream().mapToLong(Sample::rssSteadyKb).toArray()) / 1024.0;
            if (baseReady == null) {
                baseReady = ready;
                baseRss = rssSteady;
            }
            md.append("| ").append(e.getKey())
                    .append(" | ").append(s.size())
                    .append(" | %.0f (%d-%d)".formatted(ready, s.stream().mapToLong(Sample::readyMillis).min().orElse(0),
                            s.stream().mapToLong(Sample::readyMillis).max().orElse(0)))
                    .append(" | %.1f".formatted(rssReady))
                    .append(" | %.1f (%.1f-%.1f)".formatted(rssSteady,
                            s.stream().mapToLong(Sample::rssSteadyKb).min().orElse(0) / 1024.0,
                            s.stream().mapToLong(Sample::rssSteadyKb).max().orElse(0) / 1024.0))
                    .append(" | ").append(s.get(s.size() - 1).threadsSteady())
                    .append(" | %.2f".formatted(ready / baseReady))
                    .append(" | %.2f |\n".formatted(rssSteady / baseRss));
        }
        md.append("\n").append(workloads).append(" workloads; first row is the baseline of the ratios.\n");
        Files.writeString(out.resolve("results.md"), md.toString());
        System.out.println();
        System.out.print(md);
    }

    private static double median(long[] values) {
        long[] v = values.clone();
        java.util.Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
    }

    /** Where the memory and the threads go: NMT summary, thread names, loaded class count (jcmd of the JDK running this). */
    private static void diagnose(long pid, Path work) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        for (String[] what : new String[][] {{"VM.native_memory", "summary"}, {"Thread.print"}, {"VM.classes"}, {"GC.heap_info"}}) {
            List<String> command = new ArrayList<>(List.of(jcmd.toString(), Long.toString(pid)));
            command.addAll(List.of(what));
            new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(work.resolve(what[0] + ".txt").toFile()).start().waitFor(60, TimeUnit.SECONDS);
        }
    }

    private static long procStatus(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
            }
        }
        throw new IOException("no " + field + " in /proc/" + pid + "/status");
    }

    private static MqttClient connect(String brokerUrl) throws Exception {
        MqttClient client = new MqttClient(brokerUrl, "flotilla-footprint-bench", new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try {
                client.connect(options); // Mosquitto takes a moment to listen
                return client;
            } catch (org.eclipse.paho.mqttv5.common.MqttException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private FootprintBench() {
    }
}
