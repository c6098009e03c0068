package io.flotilla.bench.soak;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The packaged control plane built for PostgreSQL, as its own process: a copy of the mutable jar is re-augmented with
 * {@code -Dquarkus.launch.rebuild=true -Dquarkus.datasource.db-kind=postgresql} (as the e2e tests' PostgresBuild does),
 * then started against the soak's PostgreSQL and Mosquitto. Its API is called with the admin token it writes to its
 * data folder, as fleetctl does; its memory is read from /proc and, after a full GC, with jcmd.
 */
public final class SoakControlPlane implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)([KMG])\\b");

    private final ChildProcess process;
    private final URI base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private SoakControlPlane(ChildProcess process, URI base, String token) {
        this.process = process;
        this.base = base;
        this.token = token;
    }

    /**
     * Copies the packaged application under {@code workDir} and re-augments it for PostgreSQL with {@code java};
     * returns its quarkus-run.jar. The end-to-end tests build theirs with this too.
     */
    public static Path buildForPostgres(Path java, Path packaged, Path workDir) throws IOException, InterruptedException {
        // the rebuild writes to quarkus-app under its working directory: copy under that name and run it there
        Path buildDir = workDir.resolve("control-plane-postgresql");
        Path copy = buildDir.resolve("quarkus-app");
        try (Stream<Path> files = Files.walk(packaged)) {
            for (Path source : files.toList()) {
                Path target = copy.resolve(packaged.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
        Path jar = copy.resolve("quarkus-run.jar");
        ChildProcess rebuild = ChildProcess.start("control-plane-rebuild", List.of(java.toString(), "-Xmx512m",
                "-Dquarkus.launch.rebuild=true", "-Dquarkus.datasource.db-kind=postgresql", "-jar", jar.toString()),
                workDir, buildDir);
        int exit = rebuild.waitFor(5, TimeUnit.MINUTES);
        if (exit != 0) {
            rebuild.close();
            throw new IllegalStateException("re-augmenting the control plane for PostgreSQL failed (exit " + exit + "):\n"
                    + rebuild.logTail(4000));
        }
        return jar;
    }

    static SoakControlPlane start(Path java, Path jar, Path workDir, int httpPort, String heap, List<String> javaOptions,
            List<String> properties, Duration readyTimeout) throws IOException, InterruptedException {
        Path dataDir = workDir.resolve("control-plane-data").toAbsolutePath();
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx" + heap));
        command.addAll(javaOptions);
        command.addAll(properties);
        command.addAll(List.of("-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + httpPort,
                "-Dflotilla.data-dir=" + dataDir, "-Dquarkus.log.level=WARN", "-jar", jar.toString()));
        ChildProcess process = ChildProcess.start("control-plane", command, workDir, workDir);
        URI base = URI.create("http://127.0.0.1:" + httpPort);
        HttpClient probe = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + readyTimeout.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the control plane exited:\n" + process.logTail(6000));
            }
            try {
                if (probe.send(HttpRequest.newBuilder(base.resolve("/q/health/ready")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    break;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                process.close();
                throw new IllegalStateException("the control plane was not ready after " + readyTimeout.toSeconds()
                        + " s:\n" + process.logTail(6000));
            }
            Thread.sleep(500);
        }
        // written before it reports ready (its startup creates it), as fleetctl and scale-bench.sh read it
        String token = Files.readString(dataDir.resolve("admin-token")).lines().map(String::trim)
                .filter(l -> !l.isEmpty()).findFirst()
                .orElseThrow(() -> new IllegalStateException("the control plane wrote no admin token to " + dataDir));
        return new SoakControlPlane(process, base, token);
    }

    String url() {
        return base.toString();
    }

    String token() {
        return token;
    }

    long pid() {
        return process.pid();
    }

    ChildProcess process() {
        return process;
    }

    /** Applies a FleetPolicy given as YAML, as {@code fleetctl apply} does. */
    void applyPolicy(String yaml) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request("/api/v1/policies?source=soak").header("Content-Type", "application/yaml")
                .POST(HttpRequest.BodyPublishers.ofString(yaml)).timeout(Duration.ofMinutes(2)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("applying the policy answered " + r.statusCode() + ": " + r.body());
        }
    }

    /** The control plane's public signing key (base64). */
    String signingKey() throws IOException, InterruptedException {
        return JSON.readTree(get("/api/v1/control-plane/signing-key")).path("publicKey").asText();
    }

    /** The Prometheus text of /q/metrics. */
    String metrics() throws IOException, InterruptedException {
        return get("/q/metrics");
    }

    /** Resident memory in KiB, from /proc/PID/status (VmRSS); empty when unreadable. */
    OptionalLong rssKib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return OptionalLong.of(Long.parseLong(line.replaceAll("[^0-9]", "")));
                }
            }
            return OptionalLong.empty();
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * Heap in use right after a full GC, in bytes: {@code jcmd PID GC.run} and then {@code GC.heap_info} in one jcmd
     * call, its "used" figure(s); when that output cannot be read, the sum of
     * {@code jvm_memory_used_bytes{area="heap"}} from /q/metrics, read right after the GC.
     */
    OptionalLong heapAfterGc(Path jcmd, Path workDir) {
        try {
            Path commands = workDir.resolve("jcmd-gc.txt");
            Files.writeString(commands, "GC.run\nGC.heap_info\n");
            Process p = new ProcessBuilder(jcmd.toString(), String.valueOf(process.pid()), "-f", commands.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            OptionalLong parsed = heapUsed(out);
            if (parsed.isPresent()) {
                return parsed;
            }
            double fromMetrics = sum(metrics(), "jvm_memory_used_bytes", "area=\"heap\"");
            return fromMetrics > 0 ? OptionalLong.of((long) fromMetrics) : OptionalLong.empty();
        } catch (IOException e) {
            return OptionalLong.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalLong.empty();
        }
    }

    /**
     * The heap's "used" figure in {@code GC.heap_info} output, in bytes: G1's one heap line, or the sum of the
     * generations' lines of the serial and parallel collectors; Metaspace is not heap.
     */
    static OptionalLong heapUsed(String heapInfo) {
        long total = 0;
        boolean found = false;
        for (String line : heapInfo.split("\n")) {
            String l = line.trim();
            if (l.startsWith("Metaspace") || l.startsWith("class space") || !(l.contains("total") || l.contains("ZHeap"))) {
                continue;
            }
            Matcher m = HEAP_USED.matcher(l);
            if (m.find()) {
                long n = Long.parseLong(m.group(1));
                total += switch (m.group(2)) {
                    case "K" -> n << 10;
                    case "M" -> n << 20;
                    default -> n << 30;
                };
                found = true;
            }
        }
        return found ? OptionalLong.of(total) : OptionalLong.empty();
    }

    /**
     * The sum of every sample of {@code name} (a counter's {@code _total} name, a gauge's) in Prometheus text whose
     * labels contain {@code labelFilter} (null: all); 0 when there is none.
     */
    static double sum(String metrics, String name, String labelFilter) {
        double total = 0;
        for (String line : metrics.split("\n")) {
            if (!line.startsWith(name)) {
                continue;
            }
            String rest = line.substring(name.length());
            String labels = "";
            if (rest.startsWith("{")) {
                int end = rest.indexOf('}');
                if (end < 0) {
                    continue;
                }
                labels = rest.substring(1, end);
                rest = rest.substring(end + 1);
            } else if (!rest.startsWith(" ")) {
                continue; // another metric whose name starts with this one
            }
            if (labelFilter != null && !labels.contains(labelFilter)) {
                continue;
            }
            String[] parts = rest.trim().split("\\s+");
            try {
                total += Double.parseDouble(parts[0]);
            } catch (NumberFormatException e) {
                // NaN and the like: not a count
            }
        }
        return total;
    }

    private String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request(path).GET().timeout(Duration.ofMinutes(1)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + token);
    }

    @Override
    public void close() {
        process.close();
    }
}
