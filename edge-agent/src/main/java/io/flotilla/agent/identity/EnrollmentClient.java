package io.flotilla.agent.identity;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flotilla.agent.link.Backoff;
import io.flotilla.proto.Topics;
import io.flotilla.proto.VerificationKey;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * The agent's half of enrollment: sends the cluster id, the single-use bootstrap token and the public
 * half of a key pair made on the agent to {@code POST /api/v1/enrollments/exchange}, and turns the
 * answer into an {@link AgentIdentity}. The private key never leaves the agent. Thread-safe.
 */
public final class EnrollmentClient {

    private static final System.Logger LOG = System.getLogger(EnrollmentClient.class.getName());

    public static final String EXCHANGE_PATH = "/api/v1/enrollments/exchange";
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final int MAX_MESSAGE_CHARS = 500;

    record ExchangeRequest(String clusterId, String bootstrapToken, String publicKey) {
    }

    record ExchangeResponse(String clusterId, String brokerUrl, String username, String password, String clientId,
            List<String> controlPlaneKeys, String brokerCaCertificate, String desiredStateFloor) {
    }

    record ErrorResponse(String error, String message) {
    }

    private final URI exchangeUri;
    private final HttpClient http;
    private final Duration requestTimeout;

    /**
     * @param controlPlaneUrl e.g. {@code https://cp.example.com} or {@code http://127.0.0.1:8080}
     * @param trust           the TLS context for an {@code https} URL ({@link PinnedTrust}); empty for the JDK's
     */
    public EnrollmentClient(URI controlPlaneUrl, Optional<SSLContext> trust) {
        this(controlPlaneUrl, trust, DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT);
    }

    public EnrollmentClient(URI controlPlaneUrl, Optional<SSLContext> trust, Duration connectTimeout,
            Duration requestTimeout) {
        String scheme = controlPlaneUrl.getScheme();
        if (!"https".equals(scheme) && !"http".equals(scheme)) {
            throw new IllegalArgumentException("control plane URL " + controlPlaneUrl + " is not http(s)");
        }
        String base = controlPlaneUrl.toString().replaceAll("/+$", "");
        this.exchangeUri = URI.create(base + EXCHANGE_PATH);
        HttpClient.Builder builder = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER);
        trust.ifPresent(builder::sslContext);
        this.http = builder.build();
        this.requestTimeout = requestTimeout;
    }

    public URI exchangeUri() {
        return exchangeUri;
    }

    /**
     * One exchange: spends {@code bootstrapToken} and returns the identity of {@code clusterId} holding
     * {@code key}. Nothing is written to disk; the caller stores the identity ({@link IdentityFile}).
     */
    public AgentIdentity enroll(String clusterId, String bootstrapToken, AgentKey key) throws EnrollmentException {
        Topics.requireValidClusterId(clusterId);
        Objects.requireNonNull(bootstrapToken, "bootstrapToken");
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(new ExchangeRequest(clusterId, bootstrapToken, key.publicKey().toBase64()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode the enrollment request", e);
        }
        HttpRequest request = HttpRequest.newBuilder(exchangeUri)
                .timeout(requestTimeout)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new EnrollmentException("cannot reach the control plane at " + exchangeUri + ": " + e, 0, true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EnrollmentException("interrupted while enrolling at " + exchangeUri, 0, false, e);
        }
        int status = response.statusCode();
        if (status == 200) {
            return identity(clusterId, key, response.body());
        }
        String detail = errorDetail(response.body());
        if (status >= 500) {
            throw new EnrollmentException("the control plane at " + exchangeUri + " failed (" + status + "): " + detail,
                    status, true, null);
        }
        throw new EnrollmentException("the control plane at " + exchangeUri + " refused the enrollment of "
                + clusterId + " (" + status + "): " + detail, status, false, null);
    }

    /**
     * Enrolls on {@code scheduler}, trying again with {@code backoff} while the control plane cannot be
     * reached or answers 5xx (one log line per failed attempt); a refusal ends it at once. The same key
     * is offered on every attempt.
     */
    public CompletableFuture<AgentIdentity> enrollWithRetries(String clusterId, String bootstrapToken, AgentKey key,
            Backoff backoff, ScheduledExecutorService scheduler) {
        CompletableFuture<AgentIdentity> result = new CompletableFuture<>();
        scheduler.execute(() -> attempt(clusterId, bootstrapToken, key, backoff, scheduler, result, 0));
        return result;
    }

    private void attempt(String clusterId, String bootstrapToken, AgentKey key, Backoff backoff,
            ScheduledExecutorService scheduler, CompletableFuture<AgentIdentity> result, int attempt) {
        if (result.isDone()) {
            return;
        }
        try {
            result.complete(enroll(clusterId, bootstrapToken, key));
        } catch (EnrollmentException e) {
            if (!e.retryable()) {
                result.completeExceptionally(e);
                return;
            }
            Duration delay = backoff.delay(attempt);
            LOG.log(Level.WARNING, "enrollment attempt {0} for {1} failed: {2}; trying again in {3} ms",
                    attempt + 1, clusterId, e.getMessage(), delay.toMillis());
            scheduler.schedule(() -> attempt(clusterId, bootstrapToken, key, backoff, scheduler, result, attempt + 1),
                    delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
        }
    }

    private AgentIdentity identity(String clusterId, AgentKey key, String body) throws EnrollmentException {
        try {
            ExchangeResponse r = JSON.readValue(body, ExchangeResponse.class);
            if (!clusterId.equals(r.clusterId())) {
                throw new IllegalArgumentException("it names cluster '" + r.clusterId() + "'");
            }
            Set<VerificationKey> trusted = new LinkedHashSet<>();
            for (String k : r.controlPlaneKeys() == null ? List.<String>of() : r.controlPlaneKeys()) {
                trusted.add(VerificationKey.fromBase64(k));
            }
            if (trusted.isEmpty()) {
                throw new IllegalArgumentException("it lists no control-plane key");
            }
            return new AgentIdentity(clusterId, key, required(r.brokerUrl(), "brokerUrl"),
                    Optional.of(required(r.username(), "username")), Optional.of(required(r.password(), "password")),
                    r.clientId() == null || r.clientId().isBlank() ? AgentIdentity.clientIdFor(clusterId) : r.clientId(),
                    trusted, Optional.ofNullable(r.brokerCaCertificate()).filter(pem -> !pem.isBlank()),
                    r.desiredStateFloor() == null ? Instant.EPOCH : Instant.parse(r.desiredStateFloor()));
        } catch (JsonProcessingException | IllegalArgumentException | DateTimeParseException e) {
            String reason = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new EnrollmentException("the control plane at " + exchangeUri + " accepted the enrollment of "
                    + clusterId + " but its answer is unusable: " + reason, 200, false, e);
        }
    }

    private static String required(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("it has no " + field);
        }
        return value;
    }

    private static String errorDetail(String body) {
        try {
            ErrorResponse error = JSON.readValue(body, ErrorResponse.class);
            if (error != null && error.message() != null) {
                return error.error() == null ? error.message() : error.message() + " [" + error.error() + "]";
            }
        } catch (JsonProcessingException e) {
            // not the JSON error shape: show the text itself
        }
        String text = body == null || body.isBlank() ? "(no body)" : body.strip();
        return text.length() > MAX_MESSAGE_CHARS ? text.substring(0, MAX_MESSAGE_CHARS) + "..." : text;
    }
}
