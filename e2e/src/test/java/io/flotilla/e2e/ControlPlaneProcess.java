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

    private final ManagedProcess process;
    private final URI base;
    private final HttpClient http = HttpClient.newHttpClient();
    private final Path dataDir;
    /** The admin token the control plane wrote on its first start; sent with every API call. */
    private String token;

    record Response(int status, JsonNode body) {
    }

    private ControlPlaneProcess(ManagedProcess process, URI base, Path dataDir) {
        this.process = process;
        this.base = base;
        this.dataDir = dataDir;
    }

    /** With the embedded broker on {@code mqttPort}. */
    static ControlPlaneProcess withEmbeddedBroker(Path workDir, int mqttPort) {
        return start(workDir, List.of("-Dflotilla.broker.embedded=true", "-Dflotilla.broker.port=" + mqttPort));
    }

    /** Against an external broker on {@code mqttPort}. */
    static ControlPlaneProcess withExternalBroker(Path workDir, int mqttPort) {
        return start(workDir, List.of("-Dflotilla.broker.embedded=false", "-Dflotilla.broker.port=" + mqttPort));
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
        ControlPlaneProcess cp = new ControlPlaneProcess(process, URI.create("http://127.0.0.1:" + httpPort), dataDir);
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

    Path dataDir() {
        return dataDir;
    }

    String log() throws IOException {
        return process.log();
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
        try {
            HttpResponse<String> r = http.send(request.header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body().isEmpty() ? null : JSON.readTree(r.body()));
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

    String logTail() {
        return process.logTail();
    }

    @Override
    public void close() {
        process.close();
    }
}
