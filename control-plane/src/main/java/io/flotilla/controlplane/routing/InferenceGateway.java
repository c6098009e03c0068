package io.flotilla.controlplane.routing;

import io.flotilla.controlplane.routing.RequestAdmission.Admitted;
import io.flotilla.controlplane.routing.RequestAdmission.Caller;
import io.flotilla.controlplane.routing.RequestAdmission.Verdict;
import io.flotilla.placement.routing.RouteDecision;
import io.flotilla.policy.JurisdictionCatalog;
import io.flotilla.policy.Sites;
import io.flotilla.proto.receipt.ReceiptSigner;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Tracer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.tls.TlsConfiguration;
import io.quarkus.tls.TlsConfigurationRegistry;
import io.quarkus.vertx.http.runtime.options.HttpServerOptionsUtils;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The OpenAI-compatible inference gateway on {@code /v1/**}: the Vert.x entry point that wires the router's parts
 * together. {@link RequestAdmission} decides whether a request may be routed and where to, the placement core's
 * {@link io.flotilla.placement.routing.Router} (through {@link RouteService}) picks its clusters, and
 * {@link FailoverProxy} sends it to them and streams the answer back; every error answer comes from
 * {@link OpenAiErrors}. It is served on the main HTTP port, or on a port of its own ({@code flotilla.router.port}).
 * See docs/routing.md.
 */
@ApplicationScoped
public class InferenceGateway {

    public static final String CLUSTER_HEADER = "X-Flotilla-Cluster";
    public static final String REASON_HEADER = "X-Flotilla-Route-Reason";
    /** The signed routing receipt of a routed answer (docs/routing.md, "Receipts"). */
    public static final String RECEIPT_HEADER = "X-Flotilla-Receipt";
    /** The request id a routed answer's receipt names. */
    public static final String REQUEST_ID_HEADER = "X-Flotilla-Request-Id";

    private static final Logger LOG = Logger.getLogger(InferenceGateway.class);

    private final RouterConfig config;
    private final RouteService routes;
    private final Vertx vertx;
    private final TlsConfigurationRegistry tlsRegistry;
    private final RouterMetrics metrics;
    private final RequestAdmission admission;
    private final FailoverProxy proxy;
    private final RouteTracing tracing;
    /** The address whose server carries /v1: the router's own, or the main HTTP server's. */
    private final String boundHost;
    private final long maxBodyBytes;
    private volatile String ownServerDeployment;

    InferenceGateway(RouterConfig config, RouteService routes, JurisdictionCatalog jurisdictions, Sites sites, Vertx vertx,
            TlsConfigurationRegistry tlsRegistry, MeterRegistry registry, ReceiptIssuer receipts,
            @ConfigProperty(name = "quarkus.http.host") String httpHost,
            @ConfigProperty(name = "quarkus.http.port") int httpPort,
            @ConfigProperty(name = "quarkus.http.ssl-port", defaultValue = "8443") int httpsPort, Tracer tracer,
            @ConfigProperty(name = "quarkus.otel.sdk.disabled") boolean tracingOff) {
        this.config = config;
        var ownPorts = new HashSet<>(Set.of(httpPort, httpsPort));
        config.port().ifPresent(ownPorts::add);
        EndpointAllowList allowedEndpoints = new EndpointAllowList(config.allowedEndpoints().orElse(List.of()), ownPorts);
        if (allowedEndpoints.isEmpty()) {
            LOG.infof("The inference router contacts no cluster: flotilla.router.allowed-endpoints is empty (set the "
                    + "networks of the clusters' model-server endpoints, e.g. 10.0.0.0/8)");
        }
        this.routes = routes;
        this.vertx = vertx;
        this.tlsRegistry = tlsRegistry;
        this.metrics = new RouterMetrics(registry, config.maxClusterTags());
        this.maxBodyBytes = config.maxBodySize().asLongValue();
        this.boundHost = config.port().isPresent() ? config.host() : httpHost;
        this.admission = RequestAdmission.fromConfig(config, jurisdictions, sites, boundHost);
        this.proxy = new FailoverProxy(vertx, config, allowedEndpoints, metrics, receipts);
        this.tracing = new RouteTracing(tracingOff ? null : tracer);
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
                    + FailoverProxy.describe(cause), cause);
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
        router.post("/v1/chat/completions").handler(rc -> proxy(rc, "chat/completions"));
        router.post("/v1/completions").handler(rc -> proxy(rc, "completions"));
        router.post("/v1/embeddings").handler(rc -> proxy(rc, "embeddings"));
        router.get("/v1/models").handler(this::models);
        router.route("/v1/*").handler(rc -> new Reply(rc, "unknown", metrics)
                .reject(OpenAiErrors.unknownUrl(rc.request().method().name(), rc.request().path())));
    }

    private void models(RoutingContext rc) {
        Reply reply = new Reply(rc, "models", metrics);
        if (admit(reply) == null) {
            return;
        }
        withSnapshot(reply, snapshot -> {
            JsonArray data = new JsonArray();
            snapshot.aliases().forEach(a -> data.add(new JsonObject().put("id", a).put("object", "model").put("created", 0)
                    .put("owned_by", "flotilla")));
            rc.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end(new JsonObject().put("object", "list").put("data", data).encode());
        });
    }

    private void proxy(RoutingContext rc, String endpoint) {
        Reply reply = new Reply(rc, endpoint, metrics);
        HttpServerRequest req = rc.request();
        Optional<OpenAiErrors.Rejection> notJson = admission.contentType(req.getHeader(HttpHeaders.CONTENT_TYPE));
        if (notJson.isPresent()) {
            reply.reject(notJson.get());
            return;
        }
        Caller caller = admit(reply);
        if (caller == null) {
            return;
        }
        rc.addEndHandler(done -> {
            if (done.failed()) {
                reply.gone();
            }
        });
        readBody(reply, body -> {
            byte[] bytes = body.getBytes();
            Verdict<Admitted> admitted = admission.route(caller, bytes,
                    req.getHeader(RequestAdmission.JURISDICTION_HEADER), req.getHeader(RequestAdmission.LOCATION_HEADER),
                    req.remoteAddress() == null ? null : req.remoteAddress().hostAddress());
            if (admitted.refused()) {
                reply.reject(admitted.rejection());
                return;
            }
            withSnapshot(reply, snapshot -> route(reply, caller, admitted.value(), body, bytes, snapshot));
        });
    }

    /**
     * Who asks, and whether their limits let them: the caller, or null once the refusal (401, 429) is answered. An
     * admitted request gives its in-flight place back when it ends or is closed.
     */
    private Caller admit(Reply reply) {
        Verdict<Caller> who = admission.caller(reply.context().request().getHeader(HttpHeaders.AUTHORIZATION));
        if (who.refused()) {
            reply.reject(who.rejection());
            return null;
        }
        Caller caller = who.value();
        if (caller.holdsPlace()) {
            reply.context().addEndHandler(done -> caller.release());
        }
        return caller;
    }

    /** Buffers the request's body up to the limit (413 past it), then calls {@code then} unless answered meanwhile. */
    private void readBody(Reply reply, Consumer<Buffer> then) {
        HttpServerRequest req = reply.context().request();
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
                reply.reject(OpenAiErrors.tooLarge(maxBodyBytes));
                return;
            }
            expected = (int) Math.max(0, n);
        }
        Buffer body = Buffer.buffer(expected);
        req.handler(chunk -> {
            if (reply.done()) {
                return;
            }
            if (body.length() + chunk.length() > maxBodyBytes) {
                reply.reject(OpenAiErrors.tooLarge(maxBodyBytes));
                return;
            }
            body.appendBuffer(chunk);
        });
        req.endHandler(v -> {
            if (!reply.done()) {
                then.accept(body);
            }
        });
        req.exceptionHandler(e -> reply.broken());
        req.resume();
    }

    /** @param bytes the body's bytes as received, which the receipt's {@code bodySha256} names */
    private void route(Reply reply, Caller caller, Admitted admitted, Buffer body, byte[] bytes,
            RouteService.Snapshot snapshot) {
        String model = admitted.query().alias();
        tracing.start(reply, model, caller.tenant() == null ? null : caller.tenant().name(), admitted.jurisdictions());
        if (!snapshot.aliases().contains(model)) {
            reply.reject(OpenAiErrors.unknownModel(model, snapshot.aliases()));
            return;
        }
        long affinityKey = AffinityKey.choose(reply.context().request().getHeader(AffinityKey.SESSION_HEADER), admitted.affinityKey());
        RouteDecision decision = routes.route(snapshot, admitted.query(), affinityKey);
        if (decision.candidates().isEmpty()) {
            reply.reject(OpenAiErrors.unavailable(decision.reason().orElse("no eligible cluster"), "no_eligible_cluster"));
            return;
        }
        proxy.forward(reply, new FailoverProxy.Forward(reply.endpoint(), body,
                FailoverProxy.forwardedHeaders(reply.context().request().headers(), body.length()), decision.candidates(),
                admitted.jurisdictions(), admitted.location().describe(), draft(caller, admitted, bytes, snapshot),
                decision.notes()));
    }

    private static ReceiptDraft draft(Caller caller, Admitted admitted, byte[] bytes, RouteService.Snapshot snapshot) {
        return new ReceiptDraft(ReceiptDraft.newRequestId(), caller.tenant() == null ? null : caller.tenant().name(),
                admitted.query().alias(), admitted.allowed() == null ? null : admitted.allowed().declared(),
                ReceiptSigner.sha256(bytes), snapshot.policies());
    }

    /** Calls {@code then} on the event loop with the current snapshot, rebuilding it on a worker if the fleet changed. */
    private void withSnapshot(Reply reply, Consumer<RouteService.Snapshot> then) {
        RouteService.Snapshot fresh = routes.freshSnapshot();
        if (fresh != null) {
            then.accept(fresh);
            return;
        }
        vertx.executeBlocking(routes::snapshot, false).onComplete(ar -> {
            if (ar.succeeded()) {
                then.accept(ar.result());
            } else {
                reply.reject(OpenAiErrors.unavailable("the fleet view could not be read: "
                        + FailoverProxy.describe(ar.cause()), "fleet_unavailable"));
            }
        });
    }
}
