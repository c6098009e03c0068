package io.flotilla.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flotilla.proto.EnvelopeCodec;
import io.flotilla.proto.VerificationKey;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL stopped for 30 s under a running control plane (packaged for PostgreSQL, external Mosquitto): every
 * API write in the outage answers at once with a 503 JSON error and {@code Retry-After} (not a hang, not a 500 with
 * a stack trace) and changes nothing; once the server is back on the same data, what was accepted before is all
 * there, writes are accepted again, and a policy change is dispatched (the replica took its leader lock again),
 * without restarting the control plane.
 */
class DatabaseOutageIT {

    private static final Duration OUTAGE = Duration.ofSeconds(30);

    @Test
    void writesAnswer503DuringA30SecondOutageAndEverythingWorksAfterItWithoutARestart() throws Exception {
        Path binary = Mosquitto.binaryOrSkip("database outage test");
        Path workDir = ManagedProcess.freshWorkDir("database-outage");
        Path jar = PostgresBuild.prepare(workDir);
        Path pgData = workDir.resolve("postgres-data");
        int pgPort = ManagedProcess.freePort();
        EmbeddedPostgres postgres = startPostgres(pgData, pgPort);
        try (Mosquitto mosquitto = Mosquitto.start(binary, workDir)) {
            List<String> properties = new ArrayList<>(mosquitto.controlPlaneProperties());
            properties.addAll(List.of(
                    "-Dquarkus.datasource.jdbc.url=" + postgres.getJdbcUrl("postgres", "postgres"),
                    "-Dquarkus.datasource.username=postgres", "-Dquarkus.datasource.password=postgres",
                    "-Dflotilla.placement.require-online=false",
                    "-Dflotilla.leader.check-interval=1s", "-Dflotilla.dispatch.retry-interval=1s"));
            try (ControlPlaneProcess cp = ControlPlaneProcess.replica("control-plane", jar, workDir, mosquitto.port(), properties)) {
                EnvelopeCodec codec = EnvelopeCodec.builder("e2e").trust(VerificationKey.fromBase64(cp.publicKey())).build();
                Map<String, String> images = new ConcurrentHashMap<>();
                try (DesiredStateObserver observer = new DesiredStateObserver(mosquitto.port(), cp.brokerPassword(), codec)) {
                    observer.onReceived((cluster, state) -> images.put(cluster,
                            state.getWorkloadsCount() == 0 ? "" : state.getWorkloads(0).getImage()));
                    assertThat(cp.post("/api/v1/clusters", cluster("db-1")).status()).isEqualTo(201);
                    assertThat(cp.post("/api/v1/policies", policy("v1")).status()).isEqualTo(200);
                    await("v1 dispatched").atMost(Duration.ofSeconds(30))
                            .until(() -> "registry.example/chat:v1".equals(images.get("db-1")));

                    postgres.close();
                    long down = System.nanoTime();
                    int answered = 0;
                    long slowestNanos = 0;
                    // through the whole outage: every write is refused at once, with a body that says why
                    while (System.nanoTime() - down < OUTAGE.toNanos()) {
                        long asked = System.nanoTime();
                        ControlPlaneProcess.Response r = answered % 2 == 0
                                ? cp.post("/api/v1/clusters", cluster("db-2"))
                                : cp.post("/api/v1/policies", policy("v2"));
                        slowestNanos = Math.max(slowestNanos, System.nanoTime() - asked);
                        assertThat(r.status()).as("answer %d in the outage: %s", answered, r.body()).isEqualTo(503);
                        assertThat(r.body().get("error").asText()).contains("database is unavailable");
                        assertThat(r.retryAfter()).as("Retry-After").isEqualTo("5");
                        answered++;
                        TimeUnit.SECONDS.sleep(2); // paces the probes: the outage's length is the fault, not a condition
                    }
                    System.out.printf("database outage: %d writes answered 503 in %d s, the slowest in %.1f s%n", answered,
                            OUTAGE.toSeconds(), slowestNanos / 1e9);
                    assertThat(cp.isAlive()).isTrue();

                    postgres = startPostgres(pgData, pgPort);
                    long up = System.nanoTime();
                    await("writes accepted again").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                            .until(() -> cp.post("/api/v1/clusters", cluster("db-2")).status() == 201);
                    System.out.printf("database outage: writes accepted %.1f s after the server was back%n",
                            (System.nanoTime() - up) / 1e9);
                    assertThat(cp.get("/api/v1/clusters/db-1").status()).as("registered before the outage").isEqualTo(200);
                    assertThat(cp.post("/api/v1/policies", policy("v2")).status()).isEqualTo(200);
                    await("v2 dispatched after the outage").atMost(Duration.ofSeconds(60))
                            .until(() -> "registry.example/chat:v2".equals(images.get("db-1")));
                }
            }
        } finally {
            postgres.close();
        }
    }

    /**
     * PostgreSQL on {@code port} keeping its data in {@code dir}: created the first time, found again after (never
     * "clean", which would also delete the data when the server stops).
     */
    private static EmbeddedPostgres startPostgres(Path dir, int port) throws IOException {
        return EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(false).setPort(port).start();
    }

    private static String cluster(String id) {
        return """
                {"id": "%s", "jurisdiction": "DE", "latitude": 50.11, "longitude": 8.68,
                 "capacity": {"cpu": "16", "memory": "64Gi"}}""".formatted(id);
    }

    private static String policy(String version) {
        return """
                {"apiVersion": "flotilla.io/v1alpha1", "kind": "FleetPolicy", "metadata": {"name": "chat-db"},
                 "spec": {"workload": {"model": "m", "image": "registry.example/chat:%s",
                                       "resources": {"gpu": 0, "cpu": "1", "memory": "1Gi"}},
                          "placement": {"jurisdictions": ["DE"]}}}""".formatted(version);
    }
}
