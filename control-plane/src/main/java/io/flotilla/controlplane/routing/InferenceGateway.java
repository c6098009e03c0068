package io.flotilla.controlplane.routing;

import io.flotilla.controlplane.routing.RequestAdmission.Admitted;
import io.flotilla.controlplane.routing.RequestAdmission.Caller;
import io.flotilla.controlplane.routing.RequestAdmission.Verdict;
import io.flotilla.placement.routing.RouteCandidate;
import io.flotilla.placement.routing.RouteDecision;
import io.flotilla.policy.JurisdictionCatalog;
import io.flotilla.policy.Sites;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.tls.TlsConfiguration;
import io.quarkus.tls.TlsConfigurationRegistry;
import io.quarkus.vertx.http.runtime.options.HttpServerOptionsUtils;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The OpenAI-compatible inference gateway on {@code /v1/**}: picks clusters with the placement core's {@link
 * io.flotilla.placement.routing.Router} (through {@link RouteService}) and proxies to them with the Vert.x HTTP client on the
 * event loop, streaming responses through as they arrive. Failover walks down the same route decision only, so a
 * request never leaves the jurisdictions that decision was made for. It is served on the main HTTP port, or on a
 * port of its own ({@code flotilla.router.port}). See docs/routing.md.
 */
@ApplicationScoped
public class InferenceGateway {

    public static final String CLUSTER_HEADER = "X-Flotilla-Cluster";
    public static final String REASON_HEADER = "X-Flotilla-Route-Reason";

    private static final Logger LOG = Logger.getLogger(InferenceGateway.class);

    /** Not forwarded to clusters: hop-by-hop (RFC 9110 7.6.1), recomputed, or meant for Flotilla only. */
    private static final Set<String> NOT_FORWARDED = ProxyHeaders.caseInsensitive("connection", "keep-alive",
            "proxy-connection", "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding",
            "upgrade", "host", "content-length", "authorization", RequestAdmission.JURISDICTION_HEADER,
            RequestAdmission.LOCATION_HEADER);

    private record Target(String host, int port, boolean ssl, String basePath) {
    }

    private final RouterConfig config;
    private final RouteService routes;
    private final Vertx vertx;
    private final TlsConfigurationRegistry tlsRegistry;
    private final RouterMetrics metrics;
    private final OutlierEjector ejector;
    private final EndpointAllowList allowedEndpoints;
    private final RequestAdmission admission;
    /** The address whose server carries /v1: the router's own, or the main HTTP server's. */
    private final String boundHost;
    private final Map<String, Target> targets = new ConcurrentHashMap<>();
    private final long maxBodyBytes;
    private final long idleTimeoutNanos;
    /**
     * One client per event loop, made on first use there: its connections then live on the loop that serves the
     * request, so a proxied exchange never hops threads.
     */
    private final ThreadLocal<HttpClient> clients = ThreadLocal.withInitial(this::newClient);
    private volatile String ownServerDeployment;

    InferenceGateway(RouterConfig config, RouteService routes, JurisdictionCatalog jurisdictions, Sites sites, Vertx vertx,
            TlsConfigurationRegistry tlsRegistry, MeterRegistry registry, @ConfigProperty(name = "quarkus.http.host") String httpHost,
            @ConfigProperty(name = "quarkus.http.port") int httpPort,
            @ConfigProperty(name = "quarkus.http.ssl-port", defaultValue = "8443") int httpsPort) {
        this.config = config;
        var ownPorts = new HashSet<>(Set.of(httpPort, httpsPort));
        config.port().ifPresent(ownPorts::add);
        this.allowedEndpoints = new EndpointAllowList(config.allowedEndpoints().orElse(List.of()), ownPorts);
        if (allowedEndpoints.isEmpty()) {
            LOG.infof("The inference router contacts no cluster: flotilla.router.allowed-endpoints is empty (set the "
                    + "networks of the clusters' model-server endpoints, e.g. 10.0.0.0/8)");
        }
        this.routes = routes;
        this.vertx = vertx;
        this.tlsRegistry = tlsRegistry;
        this.metrics = new RouterMetrics(registry, config.maxClusterTags());
        this.ejector = new OutlierEjector(config.ejectAfterFailures(), config.ejectionCooldown(), System::nanoTime);
        this.maxBodyBytes = config.maxBodySize().asLongValue();
        this.idleTimeoutNanos = Math.max(1, config.idleTimeout().toNanos());
        this.boundHost = config.port().isPresent() ? config.host() : httpHost;
        this.admission = RequestAdmission.fromConfig(config, jurisdictions, sites, boundHost);
    }

    private HttpClient newClient() {
        return vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) config.connectTimeout().toMillis())
                .setKeepAlive(true)
                .setTcpNoDelay(true)
                .setDecompressionSupported(false),
                new PoolOptions().setHttp1MaxSize(config.connectionsPerCluster()).setMaxWaitQueueSize(-1));
    }

    void routes(@Observes Router router) {
        if (config.port().isEmpty()) {
            mount(router);
        }
    }

    void start(@Observes StartupEvent event) {
        if (admission.access() == RouterAccess.Mode.KEYLESS_LOOPBACK) {
            LOG.info("inference router: no API keys configured; open to loopback clients only");
        } else if (admission.access() == RouterAccess.Mode.REFUSE_ALL) {
            LOG.warnf("inference router: it listens on %s, beyond loopback, and no API keys are configured: every /v1 "
                    + "request is refused with 401 until flotilla.router.tenants.<name>.api-keys is set", boundHost);
        }
        config.port().ifPresent(this::listen);
    }

    void stop(@Observes ShutdownEvent event) throws Exception {
        String deployment = ownServerDeployment;
        if (deployment != null) {
            ownServerDeployment = null;
            vertx.undeploy(deployment).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    /**
     * Serves /v1 on the router's own port: one server instance per core (Vert.x spreads their connections over the
     * event loops), each on the shared routes.
     */
    private void listen(int port) {
        Router router = Router.router(vertx);
        mount(router);
        HttpServerOptions options = new HttpServerOptions().setHost(config.host()).setPort(port).setTcpNoDelay(true);
        Optional<TlsConfiguration> tls = ownPortTls();
        // the main server's own rules (key store, protocols, cipher suites, SNI), so that both ports offer the same TLS
        tls.ifPresent(t -> HttpServerOptionsUtils.applyTlsConfigurationToHttpServerOptions(t, options));
        try {
            ownServerDeployment = vertx.deployVerticle(() -> new AbstractVerticle() {
                @Override
                public void start(Promise<Void> started) {
                    vertx.createHttpServer(options).requestHandler(router).listen().<Void>mapEmpty().onComplete(started);
                }
            }, new DeploymentOptions().setInstances(Math.max(1, Runtime.getRuntime().availableProcessors())))
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IllegalStateException("flotilla.router.port: cannot listen on " + config.host() + ":" + port + ": "
                    + describe(cause), cause);
        }
        LOG.infof("inference router: /v1 on %s://%s:%d (not on the main HTTP port)", tls.isPresent() ? "https" : "http",
                config.host(), port);
    }

    /**
     * The TLS configuration of the router's own port: the one named by {@code flotilla.router.tls-configuration-name},
     * else the default one when it has a key store (the main HTTP server's rule). Its certificates are read at start.
     */
    private Optional<TlsConfiguration> ownPortTls() {
        if (config.tlsConfigurationName().isEmpty()) {
            return tlsRegistry.getDefault().filter(t -> t.getKeyStoreOptions() != null);
        }
        String name = config.tlsConfigurationName().get();
        TlsConfiguration tls = tlsRegistry.get(name).orElseThrow(() -> new IllegalStateException(
                "flotilla.router.tls-configuration-name: no TLS configuration named '" + name + "' (quarkus.tls." + name
                        + ".key-store.*)"));
        if (tls.getKeyStoreOptions() == null) {
            throw new IllegalStateException("flotilla.router.tls-configuration-name: the TLS configuration '" + name
                    + "' has no key store (quarkus.tls." + name + ".key-store.*): the router's port cannot serve HTTPS");
        }
        return Optional.of(tls);
    }

    private void mount(Router router) {
        router.route("/v1/*").handler(rc -> {
            // answers are JSON or event streams; a browser must never guess them into something it renders
            rc.response().putHeader("X-Content-Type-Options", "nosniff");
            rc.next();
        });
        router.post("/v1/chat/completions").handler(rc -> proxy(rc, "chat/completions"));
        router.post("/v1/completions").handler(rc -> proxy(rc, "completions"));
        router.post("/v1/embeddings").handler(rc -> proxy(rc, "embeddings"));
        router.get("/v1/models").handler(this::models);
        router.route("/v1/*").handler(rc -> reject(new Exchange(rc, "unknown"),
                OpenAiErrors.unknownUrl(rc.request().method().name(), rc.request().path())));
    }

    /** One request on its way through: everything the asynchronous steps share. All on the request's event loop. */
    private final class Exchange {
        final RoutingContext rc;
        final String endpoint;
        final long startNanos = System.nanoTime();
        Caller caller;
        Buffer body;
        boolean answered;
        Admitted admitted;
        List<RouteCandidate> ranked;
        List<RouteCandidate> order;
        int next;
        final List<String> failures = new ArrayList<>(0);
        /** The reasons of the failed attempts ("timeout", "html", ...): they choose the status when none is left. */
        final Set<String> failureReasons = new HashSet<>(2);
        /** The cluster's request, from sending it until its answer has been relayed: reset if the client leaves. */
        HttpClientRequest upstream;
        long lastDataNanos;
        boolean clientBehind;
        long idleTimer = -1;

        Exchange(RoutingContext rc, String endpoint) {
            this.rc = rc;
            this.endpoint = endpoint;
        }

        void stopIdleTimer() {
            if (idleTimer >= 0) {
                vertx.cancelTimer(idleTimer);
                idleTimer = -1;
            }
        }
    }

    private void models(RoutingContext rc) {
        Exchange x = new Exchange(rc, "models");
        if (!admit(x)) {
            return;
        }
        withSnapshot(x, snapshot -> {
            JsonArray data = new JsonArray();
            snapshot.aliases().forEach(a -> data.add(new JsonObject().put("id", a).put("object", "model").put("created", 0)
                    .put("owned_by", "flotilla")));
            rc.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end(new JsonObject().put("object", "list").put("data", data).encode());
        });
    }

    private void proxy(RoutingContext rc, String endpoint) {
        Exchange x = new Exchange(rc, endpoint);
        HttpServerRequest req = rc.request();
        String type = req.getHeader(HttpHeaders.CONTENT_TYPE);
        Optional<OpenAiErrors.Rejection> notJson = admission.contentType(type);
        if (notJson.isPresent()) {
            reject(x, notJson.get());
            return;
        }
        if (!admit(x)) {
            return;
        }
        rc.addEndHandler(done -> {
            if (done.failed()) {
                // the client left: stop the cluster's work for it too
                x.answered = true;
                x.stopIdleTimer();
                if (x.upstream != null) {
                    x.upstream.reset();
                }
            }
        });
        String length = req.getHeader(HttpHeaders.CONTENT_LENGTH);
        int expected = 1024;
        if (length != null) {
            long n;
            try {
                n = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n > maxBodyBytes) {
                tooLarge(x);
                return;
            }
            expected = (int) Math.max(0, n);
        }
        x.body = Buffer.buffer(expected);
        req.handler(chunk -> {
            if (x.answered) {
                return;
            }
            if (x.body.length() + chunk.length() > maxBodyBytes) {
                tooLarge(x);
                return;
            }
            x.body.appendBuffer(chunk);
        });
        req.endHandler(v -> {
            if (!x.answered) {
                received(x);
            }
        });
        req.exceptionHandler(e -> x.answered = true);
        req.resume();
    }

    /**
     * Who asks, and whether their limits let them: answers 401 or 429 itself when not. An admitted request gives its
     * in-flight place back when it ends or is closed.
     */
    private boolean admit(Exchange x) {
        Verdict<Caller> who = admission.caller(x.rc.request().getHeader(HttpHeaders.AUTHORIZATION));
        if (who.refused()) {
            reject(x, who.rejection());
            return false;
        }
        Caller caller = who.value();
        x.caller = caller;
        if (caller.holdsPlace()) {
            x.rc.addEndHandler(done -> caller.release());
        }
        return true;
    }

    private void tooLarge(Exchange x) {
        reject(x, OpenAiErrors.tooLarge(maxBodyBytes));
    }

    private void received(Exchange x) {
        HttpServerRequest req = x.rc.request();
        Verdict<Admitted> admitted = admission.route(x.caller, x.body.getBytes(),
                req.getHeader(RequestAdmission.JURISDICTION_HEADER), req.getHeader(RequestAdmission.LOCATION_HEADER),
                req.remoteAddress() == null ? null : req.remoteAddress().hostAddress());
        if (admitted.refused()) {
            reject(x, admitted.rejection());
            return;
        }
        x.admitted = admitted.value();
        withSnapshot(x, snapshot -> route(x, snapshot));
    }

    private void route(Exchange x, RouteService.Snapshot snapshot) {
        String model = x.admitted.query().alias();
        if (!snapshot.aliases().contains(model)) {
            reject(x, OpenAiErrors.unknownModel(model, snapshot.aliases()));
            return;
        }
        RouteDecision decision = snapshot.router().route(x.admitted.query());
        if (decision.candidates().isEmpty()) {
            reject(x, OpenAiErrors.unavailable(decision.reason().orElse("no eligible cluster"), "no_eligible_cluster"));
            return;
        }
        x.ranked = decision.candidates();
        x.order = ejector.order(x.ranked, RouteCandidate::clusterId);
        attempt(x);
    }

    private void attempt(Exchange x) {
        if (x.next >= x.order.size() || x.next >= config.maxAttempts()) {
            exhausted(x);
            return;
        }
        RouteCandidate c = x.order.get(x.next++);
        Target t;
        try {
            t = targets.computeIfAbsent(c.endpoint(), InferenceGateway::target);
        } catch (IllegalArgumentException e) {
            failed(x, c, "bad_endpoint", "endpoint '" + c.endpoint() + "' is not an http(s) URL");
            return;
        }
        String refusal = allowedEndpoints.refusal(t.host(), t.port());
        if (refusal != null) {
            failed(x, c, "endpoint_not_allowed", "endpoint not allowed: " + refusal);
            return;
        }
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(t.host()).setPort(t.port())
                .setSsl(t.ssl()).setURI(t.basePath() + "/v1/" + x.endpoint).setHeaders(forwardedHeaders(x));
        clients.get().request(options).onComplete(connected -> {
            if (connected.failed()) {
                failed(x, c, "connect", describe(connected.cause()));
                return;
            }
            HttpClientRequest up = connected.result();
            if (x.answered) {
                up.reset();
                return;
            }
            x.upstream = up;
            long sentNanos = System.nanoTime();
            boolean[] timedOut = {false};
            long timer = vertx.setTimer(config.firstByteTimeout().toMillis(), id -> {
                timedOut[0] = true;
                up.reset();
            });
            up.send(x.body).onComplete(answered -> {
                vertx.cancelTimer(timer);
                if (answered.failed()) {
                    x.upstream = null;
                    if (!x.answered) {
                        failed(x, c, timedOut[0] ? "timeout" : "connection", timedOut[0]
                                ? "no response within " + config.firstByteTimeout().toMillis() + " ms"
                                : describe(answered.cause()));
                    }
                    return;
                }
                HttpClientResponse resp = answered.result();
                int status = resp.statusCode();
                String type = resp.getHeader(HttpHeaders.CONTENT_TYPE);
                if (ProxyHeaders.isHtml(type)) {
                    // a web page (a proxy's error page, a captive portal) is not an answer: never pass it on, and do
                    // not read it either; dropping the connection is cheaper
                    x.upstream = null;
                    discard(resp);
                    failed(x, c, "html", "answered " + status + " with a web page (" + ProxyHeaders.mediaType(type) + ")");
                    return;
                }
                if (status == 502 || status == 503 || status == 504) {
                    x.upstream = null;
                    resp.body();
                    failed(x, c, "status_" + status, "answered " + status);
                    return;
                }
                respond(x, c, resp, sentNanos);
            });
        });
    }

    private void failed(Exchange x, RouteCandidate c, String reason, String detail) {
        x.failures.add(c.clusterId() + ": " + detail);
        x.failureReasons.add(reason);
        metrics.failover(c.clusterId(), reason);
        if (ejector.failed(c.clusterId())) {
            metrics.ejected(c.clusterId());
        }
        if (!x.answered) {
            attempt(x);
        }
    }

    /**
     * Every candidate tried failed. When they all failed the same way the answer says which: 504 when none answered
     * in time, 502 when all answered with a web page; any other mix is 503, as is running out of clusters.
     */
    private void exhausted(Exchange x) {
        String reason = "every cluster tried failed (" + String.join(", ", x.failures) + "); "
                + (x.next < x.order.size() ? "stopped after " + x.next + " attempts; " : "")
                + "no cluster outside " + x.admitted.jurisdictions() + " is tried";
        Set<String> how = x.failureReasons;
        if (how.equals(Set.of("timeout"))) {
            reject(x, OpenAiErrors.upstreamTimeout(reason));
        } else if (how.equals(Set.of("html"))) {
            reject(x, OpenAiErrors.invalidUpstreamResponse(reason));
        } else {
            reject(x, OpenAiErrors.unavailable(reason, "no_cluster_available"));
        }
    }

    private void respond(Exchange x, RouteCandidate c, HttpClientResponse resp, long sentNanos) {
        long receivedNanos = System.nanoTime();
        ejector.succeeded(c.clusterId());
        HttpServerResponse out = x.rc.response();
        if (x.answered) {
            discard(resp);
            return;
        }
        x.answered = true;
        out.setStatusCode(resp.statusCode());
        MultiMap headers = out.headers();
        resp.headers().forEach(h -> {
            if (ProxyHeaders.passesFromUpstream(h.getKey())) {
                headers.add(h.getKey(), h.getValue());
            }
        });
        String length = resp.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null) {
            headers.set(HttpHeaders.CONTENT_LENGTH, length);
        } else {
            out.setChunked(true);
        }
        headers.set(CLUSTER_HEADER, c.clusterId());
        headers.set(REASON_HEADER, reason(x, c));
        metrics.routed(x.endpoint, c.clusterId(), resp.statusCode());
        metrics.addedLatency(sentNanos - x.startNanos + System.nanoTime() - receivedNanos);
        relay(x, c, resp, out);
    }

    /**
     * Copies the cluster's body to the client as it arrives, with back-pressure, and watches for a stall: no data for
     * idle-timeout while the client keeps up. A cut upstream (reset, error) is cut for the client too.
     */
    private void relay(Exchange x, RouteCandidate c, HttpClientResponse resp, HttpServerResponse out) {
        x.lastDataNanos = System.nanoTime();
        resp.handler(chunk -> {
            x.lastDataNanos = System.nanoTime();
            out.write(chunk);
            if (out.writeQueueFull()) {
                x.clientBehind = true;
                resp.pause();
                out.drainHandler(v -> {
                    x.clientBehind = false;
                    x.lastDataNanos = System.nanoTime();
                    resp.resume();
                });
            }
        });
        resp.exceptionHandler(e -> {
            x.stopIdleTimer();
            x.upstream = null;
            if (!out.ended() && !out.closed()) {
                out.reset();
            }
        });
        resp.endHandler(v -> {
            x.stopIdleTimer();
            x.upstream = null;
            if (!out.ended() && !out.closed()) {
                out.end();
            }
        });
        x.idleTimer = vertx.setTimer(TimeUnit.NANOSECONDS.toMillis(idleTimeoutNanos) + 1, id -> checkIdle(x, c, resp, out));
    }

    private void checkIdle(Exchange x, RouteCandidate c, HttpClientResponse resp, HttpServerResponse out) {
        x.idleTimer = -1;
        if (out.ended() || out.closed() || x.upstream == null) {
            return;
        }
        long idle = System.nanoTime() - x.lastDataNanos;
        if (x.clientBehind || idle < idleTimeoutNanos) {
            long waitNanos = x.clientBehind ? idleTimeoutNanos : idleTimeoutNanos - idle;
            x.idleTimer = vertx.setTimer(TimeUnit.NANOSECONDS.toMillis(waitNanos) + 1, id -> checkIdle(x, c, resp, out));
            return;
        }
        metrics.stalled(c.clusterId());
        // taken first: ending the client's side runs the handlers that would otherwise reset it as well
        HttpClientRequest up = x.upstream;
        x.upstream = null;
        String message = "cluster " + c.clusterId() + " sent nothing for " + config.idleTimeout().toMillis()
                + " ms in the middle of its answer; the answer is cut";
        boolean stream = "text/event-stream".equals(ProxyHeaders.mediaType(resp.getHeader(HttpHeaders.CONTENT_TYPE)));
        if (stream && out.isChunked()) {
            out.end(OpenAiErrors.streamError(message, "upstream_idle_timeout"));
        } else {
            // a body cut short cannot be ended cleanly without passing for complete: drop the connection
            out.reset();
        }
        up.reset();
    }

    /** Drops an answer that will not be passed on, with its connection; the reset is ours, so nothing to report. */
    private static void discard(HttpClientResponse resp) {
        resp.exceptionHandler(e -> {
        });
        resp.request().reset();
    }
    /** Answers with the router's own error, unless answered already. */
    private void reject(Exchange x, OpenAiErrors.Rejection rejection) {
        if (x.answered) {
            return;
        }
        x.answered = true;
        metrics.rejected(x.endpoint, rejection.metric());
        OpenAiErrors.send(x.rc.request(), x.rc.response(), rejection);
    }

    /** Calls {@code then} on the event loop with the current snapshot, rebuilding it on a worker if the fleet changed. */
    private void withSnapshot(Exchange x, Consumer<RouteService.Snapshot> then) {
        RouteService.Snapshot fresh = routes.freshSnapshot();
        if (fresh != null) {
            then.accept(fresh);
            return;
        }
        vertx.executeBlocking(routes::snapshot, false).onComplete(ar -> {
            if (ar.succeeded()) {
                then.accept(ar.result());
            } else {
                reject(x, OpenAiErrors.unavailable("the fleet view could not be read: " + describe(ar.cause()),
                        "fleet_unavailable"));
            }
        });
    }

    private MultiMap forwardedHeaders(Exchange x) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        x.rc.request().headers().forEach(h -> {
            if (!NOT_FORWARDED.contains(h.getKey())) {
                headers.add(h.getKey(), h.getValue());
            }
        });
        headers.set(HttpHeaders.CONTENT_LENGTH, Integer.toString(x.body.length()));
        return headers;
    }

    private String reason(Exchange x, RouteCandidate c) {
        StringBuilder r = new StringBuilder(160);
        int rank = x.ranked.indexOf(c) + 1;
        r.append(rank == 1 ? "nearest eligible" : "rank " + rank).append(" of ").append(x.ranked.size()).append(" in ")
                .append(x.admitted.jurisdictions()).append(" for client at ").append(x.admitted.location().describe())
                .append(String.format(Locale.ROOT, ": est. %.1f ms (network %.1f %s, load %.1f)", c.estimatedLatencyMs(),
                        c.networkLatencyMs(), c.measured() ? "measured" : "estimated", c.loadPenaltyMs()));
        if (!x.failures.isEmpty()) {
            r.append("; failed over from ").append(String.join(", ", x.failures));
        }
        for (int i = 0; i < rank - 1; i++) {
            String skipped = x.ranked.get(i).clusterId();
            if (x.order.indexOf(x.ranked.get(i)) > x.order.indexOf(c)) {
                r.append("; ").append(skipped).append(" ejected");
            }
        }
        return OpenAiErrors.headerSafe(r.toString());
    }

    private static Target target(String endpoint) {
        URI uri = URI.create(endpoint);
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalArgumentException(endpoint);
        }
        boolean ssl = scheme.equals("https");
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        return new Target(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : ssl ? 443 : 80, ssl,
                path.endsWith("/") ? path.substring(0, path.length() - 1) : path);
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

}
