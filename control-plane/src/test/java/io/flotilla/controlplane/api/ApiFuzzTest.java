package io.flotilla.controlplane.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flotilla.controlplane.OwnDatabaseProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes the JSON bodies of the API's writing endpoints over HTTP: mutated valid bodies (fields retyped, removed,
 * added, duplicated, huge numbers, deep nesting, long strings), arbitrary JSON values and damaged bytes (invalid
 * UTF-8, truncation). Every answer must be 2xx, or 4xx with the API's JSON error body: never 5xx. Authentication is
 * off in tests; the endpoints' roles are covered by AccessMatrixTest.
 *
 * <p>{@code -Dflotilla.fuzz.requests=N} sets the number of requests (default 300), {@code -Dflotilla.fuzz.seconds=T}
 * stops a long run after T seconds whatever the count, {@code -Dflotilla.fuzz.seed=S} repeats a run (docs/security.md,
 * "Fuzzing").
 */
@QuarkusTest
// what the fuzzer creates stays out of the other tests' database
@TestProfile(OwnDatabaseProfile.class)
class ApiFuzzTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CLUSTER = "fuzz-base";
    private static final AtomicInteger IDS = new AtomicInteger();

    private static final String CAPACITY = """
            {"gpus":[{"model":"L4","count":2,"memoryGiB":24}],"cpu":"32","memory":"128Gi"}""";

    /**
     * An endpoint that takes a JSON body, and valid bodies for it: {@code ID} becomes a fresh id each time,
     * {@code NAME} one of a hundred policy names (so that applied policies are revised rather than piled up).
     */
    private record Endpoint(String method, Function<Random, String> path, List<String> valid) {
    }

    private static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("POST", r -> "/api/v1/clusters", List.of("""
                    {"id":"ID","jurisdiction":"DE","latitude":50.11,"longitude":8.68,"labels":{"tier":"edge","topology.kubernetes.io/zone":"a"},
                     "capacity":CAPACITY,"taints":[{"key":"gpu","value":"busy","effect":"NoSchedule"}]}""", """
                    {"id":"ID","jurisdiction":"IN-MH"}""")),
            new Endpoint("PUT", r -> "/api/v1/clusters/" + (r.nextInt(10) == 0 ? "no-such-cluster" : CLUSTER) + "/workloads/"
                    + (r.nextInt(10) == 0 ? "Bad_Name" : "w" + r.nextInt(20)), List.of("""
                    {"model":"meta-llama/Llama-3.1-8B-Instruct","image":"vllm/vllm-openai:v0.8.5","replicas":2,
                     "resources":{"gpu":1,"gpuMemoryGiB":24,"cpu":"4","memory":"16Gi"}}""", """
                    {"model":"m","runtime":"vllm","image":"i","port":8000,"args":["--max-model-len=8192"],"env":{"HF_HOME":"/cache"},
                     "replicas":1,"resources":{"gpu":0,"cpu":"500m","memory":"1Gi"},"nodeSelector":{"pool":"gpu"},
                     "tolerations":[{"key":"gpu","operator":"Exists","effect":"NoSchedule"}],"healthPath":"/health",
                     "modelCache":{"size":"100Gi","storageClass":"local-path","mountPath":"/models"}}""")),
            new Endpoint("POST", r -> "/api/v1/policies?dryRun=" + (r.nextInt(5) != 0) + (r.nextInt(10) == 0 ? "&source="
                    + URLEncoder.encode(sourceName(r), StandardCharsets.UTF_8) : ""), List.of("""
                    {"apiVersion":"flotilla.io/v1alpha1","kind":"FleetPolicy","metadata":{"name":"NAME"},
                     "spec":{"workload":{"model":"m","image":"i","resources":{"gpu":1,"gpuMemoryGiB":8,"cpu":2,"memory":"6Gi"}},
                      "placement":{"jurisdictions":["EU"],"minClusters":1,"maxClusters":2,"demand":[{"site":"frankfurt","weight":3},{"lat":48.8,"lon":2.3}]},
                      "routing":{"alias":"NAME","maxLatencyMs":120},"rollout":{"waveSize":"25%","maxUnavailable":1}}}""", """
                    [{"apiVersion":"flotilla.io/v1alpha1","kind":"FleetPolicy","metadata":{"name":"NAME"},
                      "spec":{"workload":{"model":"m","image":"i","resources":{"gpu":0,"cpu":"1","memory":"1Gi"}},
                       "placement":{"jurisdictions":["DE","IN-MH"],"clusterSelector":{"matchLabels":{"tier":"edge"},
                        "matchExpressions":[{"key":"zone","operator":"In","values":["a","b"]}]}}}}]""")),
            new Endpoint("POST", r -> "/api/v1/enrollments", List.of("""
                    {"clusterId":"ID","jurisdiction":"DE","site":"frankfurt","labels":{"tier":"edge"},"capacity":CAPACITY}""", """
                    {"clusterId":"ID","jurisdiction":"IN-MH","latitude":19.08,"longitude":72.88}""")),
            new Endpoint("POST", r -> "/api/v1/tokens", List.of("""
                    {"name":"ID","role":"viewer"}""", """
                    {"name":"ID","role":"admin"}""")));

    @Test
    void everyAnswerIsSuccessOrAClientErrorWithAJsonBody() {
        int requests = Integer.getInteger("flotilla.fuzz.requests", 300);
        long deadline = System.nanoTime() + Duration.ofSeconds(Long.getLong("flotilla.fuzz.seconds", 24 * 3600)).toNanos();
        long seed = Long.getLong("flotilla.fuzz.seed", System.nanoTime());
        Random r = new Random(seed);
        given().contentType("application/json").body("{\"id\":\"" + CLUSTER + "\",\"jurisdiction\":\"DE\"}")
                .post("/api/v1/clusters").then().statusCode(201);

        Map<String, String> failures = new LinkedHashMap<>();
        Map<Integer, Integer> statuses = new LinkedHashMap<>();
        int sent = 0;
        for (; sent < requests && System.nanoTime() < deadline; sent++) {
            Endpoint endpoint = ENDPOINTS.get(r.nextInt(ENDPOINTS.size()));
            String path = endpoint.path().apply(r);
            List<String> valid = endpoint.valid().stream()
                    .map(b -> b.replace("CAPACITY", CAPACITY).replace("ID", "fz-" + IDS.incrementAndGet())
                            .replace("NAME", "fz-policy-" + r.nextInt(100))).toList();
            byte[] body = JsonFuzz.body(valid, r);
            Response answer = given().contentType("application/json").body(body).request(endpoint.method(), path);
            statuses.merge(answer.statusCode(), 1, Integer::sum);
            Optional<String> problem = problem(answer);
            if (problem.isPresent()) {
                failures.putIfAbsent(endpoint.method() + " " + path.replaceAll("\\?.*", "") + ": " + problem.get(), "seed " + seed
                        + ", request " + (sent + 1) + ": " + shorten(new String(body, StandardCharsets.UTF_8)));
            }
        }
        System.out.printf("API fuzz: %d requests, seed %d, statuses %s%n", sent, seed, statuses);
        assertThat(failures).as("answers that are neither 2xx nor 4xx with a JSON error body").isEmpty();
    }

    /** What is wrong with an answer, if anything. */
    private static Optional<String> problem(Response answer) {
        int status = answer.statusCode();
        if (status >= 500 || status < 200 || (status >= 300 && status < 400)) {
            return Optional.of(status + " " + shorten(answer.asString()));
        }
        JsonNode json;
        try {
            json = JSON.readTree(answer.asByteArray());
        } catch (IOException e) {
            return Optional.of(status + " with a body that is not JSON: " + shorten(answer.asString()));
        }
        if (status >= 400 && (json == null || json.path("status").asInt() != status || json.path("error").asText().isBlank())) {
            return Optional.of(status + " without the API's error body: " + shorten(answer.asString()));
        }
        return Optional.empty();
    }

    /** What a client may call its policy source (stored with each revision), no longer than a URL can carry. */
    private static String sourceName(Random r) {
        String text = JsonFuzz.text(r);
        return text.substring(0, Math.min(text.length(), 400));
    }

    private static String shorten(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "... (" + s.length() + " characters)";
    }
}
