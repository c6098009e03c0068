package io.flotilla.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotilla.proto.EnvelopeCodec;
import io.flotilla.proto.VerificationKey;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * PostgreSQL stopped for 30 s under a running control plane (packaged for PostgreSQL, external Mosquitto): every
 * API write in the outage answers at once with a 503 JSON error and {@code Retry-After} (not a hang, not a 500 with
 * a stack trace) and changes nothing; once the server is back on the same data, what was accepted before is all
 * there, writes are accepted again, and a policy change is dispatched (the replica took its leader lock again),
 * without restarting the control plane.
 *
 * <p>A packaged agent reports through the outage: its telemetry samples are dropped and counted while the newest
 * report stays served from memory; it is killed and started again in the outage, and after it the newest presence
 * (online) and its status of the next generation are applied.
 *
 * <p>Runs beside the other end-to-end classes: most of its minute is the outage, in which it sends a request every
 * 2 s, and none of its checks depends on how fast the machine is.
 */
@Execution(ExecutionMode.CONCURRENT)
class DatabaseOutageIT {

    private static final Duration OUTAGE = Duration.ofSeconds(30);
    private static final String CLUSTER = "db-1";

    @Test
    void writesAnswer503DuringA30SecondOutageAndEverythingWorksAfterItWithoutARestart() throws Exception {
        Path binary = Mosquitto.binaryOrSkip("database outage test");
        Path workDir = ManagedProcess.freshWorkDir("database-outage");
        Path jar = PostgresBuild.prepare(workDir);
        Path pgData = workDir.resolve("postgres-data");
        int pgPort = ManagedProcess.freePort();
        EmbeddedPostgres postgres = startPostgres(pgData, pgPort);
        try (Mosquitto mosquitto = Mosquitto.start(binary, workDir); MockKubernetes kube = new MockKubernetes(workDir)) {
            List<String> properties = new ArrayList<>(mosquitto.controlPlaneProperties());
            properties.addAll(List.of(
                    "-Dquarkus.datasource.jdbc.url=" + postgres.getJdbcUrl("postgres", "postgres"),
                    "-Dquarkus.datasource.username=postgres", "-Dquarkus.datasource.password=postgres",
                    "-Dflotilla.placement.require-online=false",
                    "-Dflotilla.leader.check-interval=1s", "-Dflotilla.dispatch.retry-interval=1s"));
            try (ControlPlaneProcess cp = ControlPlaneProcess.replica("control-plane", jar, workDir, mosquitto.port(), properties)) {
                EnvelopeCodec codec = EnvelopeCodec.builder("e2e").trust(VerificationKey.fromBase64(cp.publicKey())).build();
                Map<String, String> images = new ConcurrentHashMap<>();
                assertThat(cp.post("/api/v1/clusters", cluster(CLUSTER)).status()).isEqualTo(201);
                ManagedProcess first = AgentProcess.start(workDir, cp, CLUSTER, kube.kubeconfig());
                ManagedProcess agent = first;
                try (DesiredStateObserver observer = new DesiredStateObserver(mosquitto.port(), cp.brokerPassword(), codec)) {
                    observer.onReceived((cluster, state) -> images.put(cluster,
                            state.getWorkloadsCount() == 0 ? "" : state.getWorkloads(0).getImage()));
                    assertThat(cp.post("/api/v1/policies", policy("v1")).status()).isEqualTo(200);
                    await("v1 dispatched and applied, telemetry stored").atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                        assertThat(images.get(CLUSTER)).isEqualTo("registry.example/chat:v1");
                        assertApplied(cp, first);
                        assertThat(metric(cp, "flotilla_telemetry_samples_written_total")).isPositive();
                    });
                    double failedBefore = metric(cp, "flotilla_telemetry_samples_failed_total");
                    StoredSamples before = storedSamples(postgres, Instant.now());
                    assertThat(before.count()).as("telemetry samples stored before the outage").isPositive();

                    postgres.close();
                    long down = System.nanoTime();
                    Instant downAt = Instant.now();
                    // presence in the outage: the agent goes (its will says offline) and comes back (online)
                    agent.kill();
                    agent = AgentProcess.start(workDir, CLUSTER, cp.url(), "spent", kube.kubeconfig());
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
                    // the newest telemetry is kept in memory and served while the database is down
                    ControlPlaneProcess.Response latest = cp.get("/api/v1/clusters/" + CLUSTER + "/telemetry");
                    assertThat(latest.status()).as("latest telemetry in the outage: %s", latest.body()).isEqualTo(200);
                    assertThat(Instant.parse(latest.body().get("receivedAt").asText())).isAfter(downAt);
                    double failedInOutage = metric(cp, "flotilla_telemetry_samples_failed_total") - failedBefore;
                    assertThat(failedInOutage).as("telemetry samples dropped and counted in the outage").isPositive();

                    postgres = startPostgres(pgData, pgPort);
                    long up = System.nanoTime();
                    await("writes accepted again").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                            .until(() -> cp.post("/api/v1/clusters", cluster("db-2")).status() == 201);
                    System.out.printf("database outage: writes accepted %.1f s after the server was back; %.0f telemetry "
                            + "samples dropped%n", (System.nanoTime() - up) / 1e9, failedInOutage);
                    assertThat(cp.get("/api/v1/clusters/" + CLUSTER).status()).as("registered before the outage").isEqualTo(200);
                    assertThat(storedSamples(postgres, before.newest())).as("telemetry stored before the outage")
                            .isEqualTo(before);
                    // one sample per report (the node; the mock cluster has no GPUs), one report a second: no more can
                    // be dropped than the reports the outage spanned, with a second of slack at either end
                    assertThat(failedInOutage).as("samples dropped").isLessThanOrEqualTo((System.nanoTime() - down) / 1e9 + 2);
                    double written = metric(cp, "flotilla_telemetry_samples_written_total");
                    await("telemetry stored again").atMost(Duration.ofSeconds(30))
                            .until(() -> metric(cp, "flotilla_telemetry_samples_written_total") > written);
                    assertThat(cp.post("/api/v1/policies", policy("v2")).status()).isEqualTo(200);
                    ManagedProcess restarted = agent;
                    // the presence of the outage (the newest: online) and the agent's status after it are applied
                    await("v2 dispatched and applied after the outage").atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                        assertThat(images.get(CLUSTER)).isEqualTo("registry.example/chat:v2");
                        assertApplied(cp, restarted);
                        assertThat(cp.get("/api/v1/clusters/" + CLUSTER).body().get("health").asText()).isEqualTo("READY");
                    });
                } finally {
                    agent.close();
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

    /** The agent applied the newest desired state and reported so. */
    private static void assertApplied(ControlPlaneProcess cp, ManagedProcess agent) {
        JsonNode c = cp.get("/api/v1/clusters/" + CLUSTER).body();
        assertThat(c.get("appliedGeneration").asLong()).as("%s; agent log:\n%s", c, agent.logTail())
                .isEqualTo(c.get("desiredGeneration").asLong()).isPositive();
    }

    /** How many telemetry samples of the cluster the database holds up to {@code until}, and the newest one's time. */
    private record StoredSamples(long count, Instant newest) {
    }

    private static StoredSamples storedSamples(EmbeddedPostgres postgres, Instant until) throws SQLException {
        try (Connection c = postgres.getPostgresDatabase().getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT count(*), max(sampled_at) FROM telemetry_sample WHERE cluster_id = ? AND sampled_at <= ?")) {
            ps.setString(1, CLUSTER);
            ps.setObject(2, until.atOffset(ZoneOffset.UTC));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                OffsetDateTime newest = rs.getObject(2, OffsetDateTime.class);
                return new StoredSamples(rs.getLong(1), newest == null ? null : newest.toInstant());
            }
        }
    }

    /** A counter's value from the control plane's Prometheus endpoint, summed over its series. */
    private static double metric(ControlPlaneProcess cp, String name) {
        double sum = 0;
        for (String line : cp.getText("/q/metrics").split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
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
