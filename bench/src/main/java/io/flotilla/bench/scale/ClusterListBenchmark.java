package io.flotilla.bench.scale;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The cluster listing at fleet scale: registers N clusters through the API of a running control plane (those that
 * exist are kept), then times {@code GET /api/v1/clusters?limit=100} pages (every page once, following the continue
 * tokens, then pages picked at random), filtered pages, and the whole unpaged listing. The reference from the same
 * run is {@code GET /api/v1/clusters/{id}}: one cluster, the floor of an API call that reads the database.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.flotilla.bench.scale.ClusterListBenchmark --clusters 10000 \
 *     --control-plane http://127.0.0.1:18080 --token TOKEN [--samples 500]</pre>
 */
public final class ClusterListBenchmark {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String[] JURISDICTIONS = {"DE", "FR", "PL", "NL", "IN-MH", "US-TX"};

    private ClusterListBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = ConvergenceBenchmark.options(args);
        int n = Integer.parseInt(opts.getOrDefault("clusters", "10000"));
        int samples = Integer.parseInt(opts.getOrDefault("samples", "500"));
        URI cp = URI.create(opts.getOrDefault("control-plane", "http://127.0.0.1:8080"));
        String token = opts.get("token");
        if (token == null) {
            throw new IllegalArgumentException("--token is required (the admin token of the control plane)");
        }

        register(cp, token, n);

        // every page once, following the tokens; the tokens are kept to ask for pages at random afterwards
        List<String> tokens = new ArrayList<>();
        List<Long> walk = new ArrayList<>();
        Optional<String> next = Optional.empty();
        int listed = 0;
        do {
            String query = "limit=100" + next.map(t -> "&continue=" + t).orElse("");
            long t0 = System.nanoTime();
            HttpResponse<String> page = get(cp, token, "/api/v1/clusters?" + query);
            walk.add(System.nanoTime() - t0);
            listed += count(page.body());
            next = page.headers().firstValue("X-Continue");
            next.ifPresent(tokens::add);
        } while (next.isPresent());
        System.out.printf("listed %d clusters in %d pages of 100%n", listed, walk.size());

        List<Long> single = time(samples, () -> "/api/v1/clusters/list-" + id(ThreadLocalRandom.current().nextInt(n)), cp, token);
        List<Long> paged = time(samples, () -> tokens.isEmpty() ? "/api/v1/clusters?limit=100"
                : "/api/v1/clusters?limit=100&continue=" + tokens.get(ThreadLocalRandom.current().nextInt(tokens.size())), cp, token);
        List<Long> filtered = time(samples, () -> "/api/v1/clusters?limit=100&label=tier%3Dedge&jurisdiction="
                + JURISDICTIONS[ThreadLocalRandom.current().nextInt(JURISDICTIONS.length)], cp, token);
        List<Long> all = time(3, () -> "/api/v1/clusters", cp, token);

        System.out.println();
        System.out.printf("%-52s %10s %10s %10s%n", "request (" + n + " clusters registered)", "p50 ms", "p99 ms", "max ms");
        print("GET /api/v1/clusters/{id} (reference: one cluster)", single);
        print("GET ?limit=100, every page once in order", walk);
        print("GET ?limit=100&continue=<random page>", paged);
        print("GET ?limit=100&label=tier=edge&jurisdiction=<random>", filtered);
        print("GET /api/v1/clusters (all, unpaged)", all);
        System.out.printf("ratio page of 100 / one cluster: p50 %.1fx, p99 %.1fx%n",
                percentile(paged, 0.5) / percentile(single, 0.5), percentile(paged, 0.99) / percentile(single, 0.99));
    }

    private static void register(URI cp, String token, int n) throws Exception {
        AtomicInteger created = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        long t0 = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                futures.add(pool.submit(() -> {
                    String body = """
                            {"id": "list-%s", "jurisdiction": "%s", "latitude": %.2f, "longitude": %.2f,
                             "labels": {"tier": "%s", "bench": "cluster-list"},
                             "capacity": {"gpus": [{"model": "L4", "count": 2, "memoryGiB": 24}], "cpu": "32", "memory": "128Gi"}}"""
                            .formatted(id(k), JURISDICTIONS[k % JURISDICTIONS.length], 40.0 + k % 20, k % 30 * 1.0,
                                    k % 2 == 0 ? "edge" : "core");
                    HttpResponse<String> r = send(HttpRequest.newBuilder(cp.resolve("/api/v1/clusters"))
                            .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build());
                    if (r.statusCode() == 201) {
                        created.incrementAndGet();
                    } else if (r.statusCode() != 409) {
                        throw new IllegalStateException("POST /api/v1/clusters answered " + r.statusCode() + ": " + r.body());
                    }
                    int d = done.incrementAndGet();
                    if (d % 2000 == 0) {
                        System.out.printf("registered %d/%d%n", d, n);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }
        System.out.printf("%d clusters registered (%d new) in %.1f s%n", n, created.get(), (System.nanoTime() - t0) / 1e9);
    }

    private static List<Long> time(int samples, Supplier<String> path, URI cp, String token) throws Exception {
        for (int i = 0; i < Math.min(samples, 20); i++) {
            get(cp, token, path.get()); // warm-up
        }
        List<Long> nanos = new ArrayList<>();
        for (int i = 0; i < samples; i++) {
            String p = path.get();
            long t0 = System.nanoTime();
            get(cp, token, p);
            nanos.add(System.nanoTime() - t0);
        }
        return nanos;
    }

    private static HttpResponse<String> get(URI cp, String token, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = send(HttpRequest.newBuilder(cp.resolve(path)).header("Authorization", "Bearer " + token).GET().build());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return r;
    }

    private static HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** How many objects a JSON array of clusters holds: each has exactly one "desiredGeneration". */
    private static int count(String body) {
        int n = 0;
        for (int i = body.indexOf("\"desiredGeneration\""); i >= 0; i = body.indexOf("\"desiredGeneration\"", i + 1)) {
            n++;
        }
        return n;
    }

    private static String id(int k) {
        return String.format("%05d", k);
    }

    private static void print(String what, List<Long> nanos) {
        System.out.printf("%-52s %10.2f %10.2f %10.2f%n", what, percentile(nanos, 0.5), percentile(nanos, 0.99),
                percentile(nanos, 1.0));
    }

    /** The p-th percentile in milliseconds (nearest rank). */
    private static double percentile(List<Long> nanos, double p) {
        return ConvergenceBenchmark.percentile(nanos.stream().mapToLong(Long::longValue).sorted().toArray(), p) / 1e6;
    }
}
