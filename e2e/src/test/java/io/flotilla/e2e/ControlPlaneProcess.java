package io.flotilla.e2e;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.Map;

/** The packaged control plane, started as its own process, and a small client for its API. */
final class ControlPlaneProcess implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The control plane's own broker user, on the embedded broker and on Mosquitto alike. */
    static final String BROKER_USER = "flotilla-control-plane";

    private final ManagedProcess process;
    private final URI base;
    private final HttpClient http = HttpClient.newHttpClient();
    private final Path dataDir;
    private final List<String> properties;
    /** The admin token the control plane wrote on its first start; sent with every API call. */
    private String token;

    /** An answer: its status, its JSON body (null when empty), and its Retry-After header (null when absent). */
    record Response(int status, JsonNode body, String retryAfter) {
    }

    private ControlPlaneProcess(ManagedProcess process, URI base, Path dataDir, List<String> properties) {
        this.process = process;
        this.base = base;
        this.dataDir = dataDir;
        this.properties = List.copyOf(properties);
    }

    /** With the embedded broker on {@code mqttPort}. */
    static ControlPlaneProcess withEmbeddedBroker(Path workDir, int mqttPort) {
        return withEmbeddedBroker(workDir, mqttPort, List.of());
    }

    /** With the embedded broker on {@code mqttPort} and extra {@code properties} (e.g. its TLS listener). */
    static ControlPlaneProcess withEmbeddedBroker(Path workDir, int mqttPort, List<String> properties) {
        List<String> props = new ArrayList<>(properties);
        props.add("-Dflotilla.broker.embedded=true");
        props.add("-Dflotilla.broker.port=" + mqttPort);
        return start(workDir, props);
    }

    /** Against {@code mosquitto}, logged in as its admin user, keeping the clusters' identities in it. */
    static ControlPlaneProcess withExternalBroker(Path workDir, Mosquitto mosquitto) {
        List<String> props = new ArrayList<>(mosquitto.controlPlaneProperties());
        props.add("-Dflotilla.broker.embedded=false");
        props.add("-Dflotilla.broker.port=" + mosquitto.port());
        return start(workDir, props);
    }

    /**
     * One replica of several: the control plane packaged for PostgreSQL ({@code jar}, see
     * {@link PostgresBuild}), an external broker, and {@code properties} (the database, shared by the replicas).
     * Replicas share the data folder, so they sign with one key.
     */
    static ControlPlaneProcess replica(String name, Path jar, Path workDir, int mqttPort, List<String> properties) {
        List<String> props = new ArrayList<>(properties);
        props.add("-Dflotilla.broker.embedded=false");
        props.add("-Dflotilla.broker.port=" + mqttPort);
        return start(name, jar, workDir, props);
    }

    /**
     * The packaged (H2) control plane against an external broker on {@code mqttPort}, serving HTTP on
     * {@code httpPort}, with extra {@code properties}. Started again on the same {@code workDir} it finds its
     * database, signing key and admin token from before.
     */
    static ControlPlaneProcess withExternalBroker(Path workDir, int mqttPort, int httpPort, List<String> properties) {
        List<String> props = new ArrayList<>(properties);
        props.add("-Dflotilla.broker.embedded=false");
        props.add("-Dflotilla.broker.port=" + mqttPort);
        return start("control-plane", ManagedProcess.jar("flotilla.control-plane.jar"), workDir, httpPort, props);
    }

    /**
     * The packaged (H2) control plane named {@code name} (its log is {@code <name>.log}), serving HTTP on
     * {@code httpPort}, with {@code properties} that choose its broker. Started again on the same {@code workDir} it
     * finds its database, signing key, admin token and (embedded) broker password from before.
     */
    static ControlPlaneProcess start(String name, Path workDir, int httpPort, List<String> properties) {
        return start(name, ManagedProcess.jar("flotilla.control-plane.jar"), workDir, httpPort, properties);
    }

    private static ControlPlaneProcess start(Path workDir, List<String> brokerProperties) {
        return start("control-plane", ManagedProcess.jar("flotilla.control-plane.jar"), workDir, brokerProperties);
    }

    private static ControlPlaneProcess start(String name, Path jar, Path workDir, List<String> properties) {
        return start(name, jar, workDir, ManagedProcess.freePort(), properties);
    }

    private static ControlPlaneProcess start(String name, Path jar, Path workDir, int httpPort, List<String> properties) {
        List<String> props = new ArrayList<>(properties);
        props.add("-Dquarkus.http.port=" + httpPort);
        Path dataDir = workDir.resolve("control-plane-data").toAbsolutePath();
        props.add("-Dflotilla.data-dir=" + dataDir);
        ManagedProcess process = ManagedProcess.start(name, ManagedProcess.javaJar(jar, props), Map.of(), workDir);
        ControlPlaneProcess cp = new ControlPlaneProcess(process, URI.create("http://127.0.0.1:" + httpPort), dataDir, props);
        try {
            await("control plane ready").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("control plane exited:\n" + process.logTail());
                        }
                        return cp.isReady();
                    });
        } catch (RuntimeException e) {
            process.close();
            throw e;
        }
        cp.token = cp.readAdminToken();
        return cp;
    }

    private boolean isReady() {
        try {
            return http.send(HttpRequest.newBuilder(base.resolve("/q/health/ready")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Written before the control plane reports ready (its startup creates it). */
    private String readAdminToken() {
        try {
            return Files.readString(dataDir.resolve("admin-token")).trim();
        } catch (IOException e) {
            process.close();
            throw new IllegalStateException("the control plane wrote no admin token to " + dataDir, e);
        }
    }

    String adminToken() {
        return token;
    }

    /** Where agents reach the API, e.g. to exchange their bootstrap token. */
    String url() {
        return base.toString();
    }

    /**
     * The password of the control plane's own broker user ({@value #BROKER_USER}): the one it was given
     * for an external broker, else the one it generated for its embedded broker.
     */
    String brokerPassword() {
        String given = "-Dflotilla.broker.password=";
        return properties.stream().filter(p -> p.startsWith(given)).map(p -> p.substring(given.length())).findFirst()
                .orElseGet(() -> {
                    try {
                        return Files.readString(dataDir.resolve("broker-password")).strip();
                    } catch (IOException e) {
                        throw new IllegalStateException("the control plane wrote no broker password to " + dataDir, e);
                    }
                });
    }

    /**
     * Registers {@code clusterId} (when {@code jurisdiction} is given) or enrolls an already registered one again,
     * and answers its single-use bootstrap token.
     */
    String enroll(String clusterId, String jurisdiction, String site) {
        String body = jurisdiction == null ? "{\"clusterId\": \"%s\"}".formatted(clusterId)
                : "{\"clusterId\": \"%s\", \"jurisdiction\": \"%s\", \"site\": \"%s\"}".formatted(clusterId, jurisdiction, site);
        Response r = post("/api/v1/enrollments", body);
        if (r.status() != 201) {
            throw new IllegalStateException("enrolling " + clusterId + " answered " + r.status() + ": " + r.body());
        }
        return r.body().get("bootstrapToken").asText();
    }

    /** A call without the admin token, as an agent makes it. */
    Response postAnonymous(String path, String json) {
        return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)), false);
    }

    Path dataDir() {
        return dataDir;
    }

    String log() throws IOException {
        return process.log();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Freezes the control plane (SIGSTOP), or resumes it (SIGCONT). */
    void signal(String signal) {
        process.signal(signal);
    }

    Response get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    Response post(String path, String json) {
        return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    Response put(String path, String json) {
        return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    Response delete(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).DELETE());
    }

    private Response send(HttpRequest.Builder request) {
        return send(request, true);
    }

    private Response send(HttpRequest.Builder request, boolean withToken) {
        try {
            if (withToken) {
                request.header("Authorization", "Bearer " + token);
            }
            // an answer that takes this long is a hang, whatever the call
            HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body().isEmpty() ? null : JSON.readTree(r.body()),
                    r.headers().firstValue("Retry-After").orElse(null));
        } catch (IOException e) {
            throw new IllegalStateException("control plane did not answer: " + e.getMessage()
                    + "\n" + process.logTail(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    String publicKey() {
        return get("/api/v1/control-plane/signing-key").body().get("publicKey").asText();
    }

    /** Whether this replica holds the leader lock. */
    boolean isLeader() {
        try {
            Response r = get("/api/v1/control-plane/replica");
            return r.status() == 200 && r.body().get("leader").asBoolean();
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /** Kills the process without a clean shutdown (SIGKILL): its database session and MQTT connections just drop. */
    void kill() {
        process.kill();
    }

    /** Kills the process (SIGKILL) and waits until it is gone, so its files (the H2 database) are free. */
    void killAndWait() throws InterruptedException {
        process.kill();
        if (process.waitForExit(30, java.util.concurrent.TimeUnit.SECONDS).isEmpty()) {
            throw new IllegalStateException("the control plane did not die within 30 s of SIGKILL");
        }
    }

    /** A GET answered in plain text, e.g. {@code /q/metrics}, sent with the admin token. */
    String getText(String path) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve(path))
                    .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("GET " + path + " answered " + r.statusCode() + ": " + r.body());
            }
            return r.body();
        } catch (IOException e) {
            throw new IllegalStateException("control plane did not answer: " + e.getMessage() + "\n" + process.logTail(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    String logTail() {
        return process.logTail();
    }

    @Override
    public void close() {
        process.close();
    }
}
