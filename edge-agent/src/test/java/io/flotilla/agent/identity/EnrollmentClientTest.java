package io.flotilla.agent.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.flotilla.agent.Fixtures;
import io.flotilla.agent.link.Backoff;
import io.flotilla.proto.VerificationKey;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's side of the enrollment exchange, against a stand-in control plane on 127.0.0.1. */
class EnrollmentClientTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Backoff FAST = new Backoff(Duration.ofMillis(10), Duration.ofMillis(20), () -> 0.5);

    @TempDir
    Path stateDir;

    private final VerificationKey cp1 = Fixtures.newKey().verificationKey();
    private final VerificationKey cp2 = Fixtures.newKey().verificationKey();
    private final List<Recorded> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger failuresBeforeSuccess = new AtomicInteger();
    private volatile int status = 200;
    private volatile String answer;
    private HttpServer server;

    record Recorded(String method, String path, String contentType, String authorization, JsonNode body) {
    }

    @BeforeEach
    void startControlPlane() throws IOException {
        answer = """
                {"clusterId":"edge-1","brokerUrl":"ssl://127.0.0.1:8883","username":"edge-1","password":"pw-123",
                 "clientId":"flotilla-agent-edge-1","controlPlaneKeys":["%s","%s"],
                 "brokerCaCertificate":null,"desiredStateFloor":"2026-12-05T21:00:00Z"}
                """.formatted(cp1.toBase64(), cp2.toBase64());
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] in = exchange.getRequestBody().readAllBytes();
            requests.add(new Recorded(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Content-Type"),
                    exchange.getRequestHeaders().getFirst("Authorization"), JSON.readTree(in)));
            int code = failuresBeforeSuccess.getAndDecrement() > 0 ? 503 : status;
            byte[] out = (code == 200 ? answer : code == 503 ? "{\"error\":\"unavailable\",\"message\":\"starting\"}"
                    : "{\"error\":\"invalid_token\",\"message\":\"bootstrap token already used\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(code, out.length);
            exchange.getResponseBody().write(out);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopControlPlane() {
        server.stop(0);
    }

    private URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private EnrollmentClient client() {
        return new EnrollmentClient(url(), Optional.empty(), Duration.ofSeconds(2), Duration.ofSeconds(5));
    }

    @Test
    void exchangesTheTokenAndThePublicKeyForAnIdentity() throws Exception {
        AgentKey key = AgentKey.generate(new SecureRandom());

        AgentIdentity identity = client().enroll("edge-1", "flb_abc", key);

        assertThat(identity.clusterId()).isEqualTo("edge-1");
        assertThat(identity.key()).isSameAs(key);
        assertThat(identity.brokerUrl()).isEqualTo("ssl://127.0.0.1:8883");
        assertThat(identity.username()).contains("edge-1");
        assertThat(identity.password()).contains("pw-123");
        assertThat(identity.clientId()).isEqualTo("flotilla-agent-edge-1");
        assertThat(identity.controlPlaneKeys()).containsExactlyInAnyOrder(cp1, cp2);
        assertThat(identity.brokerCaPem()).isEmpty();
        assertThat(identity.desiredStateFloor()).isEqualTo(Instant.parse("2026-12-05T21:00:00Z"));
        Recorded request = requests.getFirst();
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/api/v1/enrollments/exchange");
        assertThat(request.contentType()).isEqualTo("application/json");
        assertThat(request.authorization()).isNull();
        assertThat(request.body().properties()).extracting(java.util.Map.Entry::getKey)
                .containsExactlyInAnyOrder("clusterId", "bootstrapToken", "publicKey");
        assertThat(request.body().get("clusterId").asText()).isEqualTo("edge-1");
        assertThat(request.body().get("bootstrapToken").asText()).isEqualTo("flb_abc");
        assertThat(request.body().get("publicKey").asText()).isEqualTo(key.publicKey().toBase64());
        assertThat(request.body().toString()).doesNotContain(key.seed());
    }

    @Test
    void aRefusalCarriesTheControlPlanesMessageAndIsNotRetried() {
        status = 401;
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try {
            var result = client().enrollWithRetries("edge-1", "flb_spent", AgentKey.generate(new SecureRandom()),
                    FAST, scheduler);

            assertThatThrownBy(() -> result.get(5, TimeUnit.SECONDS))
                    .cause()
                    .isInstanceOf(EnrollmentException.class)
                    .hasMessageContaining("401")
                    .hasMessageContaining("bootstrap token already used")
                    .satisfies(e -> assertThat(((EnrollmentException) e).retryable()).isFalse());
            assertThat(requests).hasSize(1);
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Test
    void aControlPlaneThatIsNotReadyIsAskedAgainWithTheSameKey() throws Exception {
        failuresBeforeSuccess.set(2);
        AgentKey key = AgentKey.generate(new SecureRandom());
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try {
            AgentIdentity identity = client().enrollWithRetries("edge-1", "flb_abc", key, FAST, scheduler)
                    .get(5, TimeUnit.SECONDS);

            assertThat(identity.publicKey()).isEqualTo(key.publicKey());
            assertThat(requests).hasSize(3)
                    .allSatisfy(r -> assertThat(r.body().get("publicKey").asText()).isEqualTo(key.publicKey().toBase64()));
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Test
    void anAnswerForAnotherClusterIsRefused() {
        answer = answer.replace("\"clusterId\":\"edge-1\"", "\"clusterId\":\"edge-2\"");

        assertThatThrownBy(() -> client().enroll("edge-1", "flb_abc", AgentKey.generate(new SecureRandom())))
                .isInstanceOf(EnrollmentException.class)
                .hasMessageContaining("edge-2");
    }

    @Test
    void bootstrapEnrollsOnceGeneratingOneKeyLocallyAndStoresTheIdentity() throws IOException {
        AgentIdentity first = IdentityBootstrap.loadOrEnroll(stateDir, "edge-1", Optional.of(url().toString()),
                Optional.of("flb_abc"), u -> client(), FAST);
        AgentIdentity second = IdentityBootstrap.loadOrEnroll(stateDir, "edge-1", Optional.of(url().toString()),
                Optional.of("flb_abc"), u -> client(), FAST);

        assertThat(requests).hasSize(1);
        assertThat(requests.getFirst().body().get("publicKey").asText()).isEqualTo(first.publicKey().toBase64());
        assertThat(IdentityFile.exists(stateDir)).isTrue();
        assertThat(second.publicKey()).isEqualTo(first.publicKey());
        assertThat(second.password()).contains("pw-123");
    }

    @Test
    void bootstrapWithoutIdentityOrTokenNamesTheVariablesToSet() {
        assertThatThrownBy(() -> IdentityBootstrap.loadOrEnroll(stateDir, "edge-1", Optional.empty(),
                Optional.empty(), u -> client(), FAST))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("FLOTILLA_AGENT_CONTROL_PLANE_URL")
                .hasMessageContaining("FLOTILLA_AGENT_BOOTSTRAP_TOKEN");
        assertThat(requests).isEmpty();
    }

    @Test
    void bootstrapRefusedFailsWithTheControlPlanesMessageAndStoresNothing() {
        status = 401;

        assertThatThrownBy(() -> IdentityBootstrap.loadOrEnroll(stateDir, "edge-1", Optional.of(url().toString()),
                Optional.of("flb_spent"), u -> client(), FAST))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("bootstrap token already used");
        assertThat(IdentityFile.exists(stateDir)).isFalse();
    }

    @Test
    void anIdentityOfAnotherClusterInTheStateDirectoryIsNotUsed() throws IOException {
        IdentityFile.write(stateDir, AgentIdentity.unenrolled("edge-2", "tcp://127.0.0.1:1883", cp1));

        assertThatThrownBy(() -> IdentityBootstrap.loadOrEnroll(stateDir, "edge-1", Optional.empty(),
                Optional.empty(), u -> client(), FAST))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'edge-2'");
    }
}
