package io.flotilla.controlplane.routing;

import io.flotilla.placement.routing.RouteCandidate;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sends a routed request to its clusters, best first, with the Vert.x HTTP client on the request's event loop. A
 * cluster that cannot be reached, does not answer within the first-byte timeout, answers a web page or 502/503/504
 * is failed over to the next candidate of the same route decision, so a request never leaves the jurisdictions that
 * decision was made for; repeated failures eject a cluster for a cool-down. The first real answer is passed to a
 * {@link StreamRelay}, which streams it through to the client as it arrives; its headers carry the signed receipt
 * naming the cluster that served it.
 */
final class FailoverProxy {

    /** Not forwarded to clusters: hop-by-hop (RFC 9110 7.6.1), recomputed, or meant for Flotilla only. */
    private static final Set<String> NOT_FORWARDED = ProxyHeaders.caseInsensitive("connection", "keep-alive",
            "proxy-connection", "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding",
            "upgrade", "host", "content-length", "authorization", RequestAdmission.JURISDICTION_HEADER,
            RequestAdmission.LOCATION_HEADER);

    /**
     * What one request sends, and where it may go: the same for each of its attempts.
     *
     * @param endpoint the path under /v1 ("chat/completions", ...)
     * @param headers the client's headers that are forwarded, Content-Length included
     * @param ranked the route decision's candidates, best first
     * @param jurisdictions the jurisdictions the decision was made for, as route reasons name them
     * @param client where the client is, as route reasons name it
     * @param receipt what the answer's receipt says besides the cluster that serves it
     * @param notes what live load and affinity changed in the ranking, for the route reason
     */
    record Forward(String endpoint, Buffer body, MultiMap headers, List<RouteCandidate> ranked, String jurisdictions,
            String client, ReceiptDraft receipt, List<String> notes) {
    }

    /**
     * Where a reported endpoint sends requests, worked out once per endpoint: the allow-list's verdict on it (null:
     * allowed) included, since neither the list nor the endpoint's address changes while the control plane runs.
     */
    private record Target(String host, int port, boolean ssl, String basePath, String refusal) {
    }

    private final Vertx vertx;
    private final RouterConfig config;
    private final EndpointAllowList allowedEndpoints;
    private final RouterMetrics metrics;
    private final OutlierEjector ejector;
    private final ReceiptIssuer receipts;
    private final Map<String, Target> targets = new ConcurrentHashMap<>();
    /**
     * One client per event loop, made on first use there: its connections then live on the loop that serves the
     * request, so a proxied exchange never hops threads.
     */
    private final ThreadLocal<HttpClient> clients = ThreadLocal.withInitial(this::newClient);

    FailoverProxy(Vertx vertx, RouterConfig config, EndpointAllowList allowedEndpoints, RouterMetrics metrics,
            ReceiptIssuer receipts) {
        this.receipts = receipts;
        this.vertx = vertx;
        this.config = config;
        this.allowedEndpoints = allowedEndpoints;
        this.metrics = metrics;
        this.ejector = new OutlierEjector(config.ejectAfterFailures(), config.ejectionCooldown(), System::nanoTime);
    }

    private HttpClient newClient() {
        return vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) config.connectTimeout().toMillis())
                .setKeepAlive(true)
                .setTcpNoDelay(true)
                .setDecompressionSupported(false),
                new PoolOptions().setHttp1MaxSize(config.connectionsPerCluster()).setMaxWaitQueueSize(-1));
    }

    /** The client's headers that clusters receive, with the Content-Length of the body as buffered. */
    static MultiMap forwardedHeaders(MultiMap clientHeaders, int bodyLength) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        clientHeaders.forEach(h -> {
            if (!NOT_FORWARDED.contains(h.getKey())) {
                headers.add(h.getKey(), h.getValue());
            }
        });
        headers.set(HttpHeaders.CONTENT_LENGTH, Integer.toString(bodyLength));
        return headers;
    }

    /** Sends {@code forward} to its clusters until one answers, and relays that answer to {@code reply}. */
    void forward(Reply reply, Forward forward) {
        new Failover(reply, forward).attempt();
    }

    /** The attempts of one request, in the order the ejector leaves its candidates. */
    private final class Failover {
        private final Reply reply;
        private final Forward forward;
        private final List<RouteCandidate> order;
        private int next;
        private final List<String> failures = new ArrayList<>(0);
        /** The reasons of the failed attempts ("timeout", "html", ...): they choose the status when none is left. */
        private final Set<String> failureReasons = new HashSet<>(2);
        /** The cluster's request from sending it until it answers (the relay then takes it): reset if the client leaves. */
        private HttpClientRequest upstream;
        /** The relay of the answer, once a cluster answered. */
        private StreamRelay relay;

        Failover(Reply reply, Forward forward) {
            this.reply = reply;
            this.forward = forward;
            this.order = ejector.order(forward.ranked(), RouteCandidate::clusterId);
            reply.onGone(this::cancel);
        }

        /** The client left: stop the cluster's work for it too. */
        private void cancel() {
            if (relay != null) {
                relay.cancel();
            }
            if (upstream != null) {
                upstream.reset();
            }
        }

        void attempt() {
            if (next >= order.size() || next >= config.maxAttempts()) {
                exhausted();
                return;
            }
            RouteCandidate c = order.get(next++);
            Target t;
            try {
                t = targets.computeIfAbsent(c.endpoint(), FailoverProxy.this::target);
            } catch (IllegalArgumentException e) {
                failed(c, "bad_endpoint", "endpoint '" + c.endpoint() + "' is not an http(s) URL");
                return;
            }
            if (t.refusal() != null) {
                failed(c, "endpoint_not_allowed", "endpoint not allowed: " + t.refusal());
                return;
            }
            // the client copies the options' headers into each request it makes: every attempt can share them
            RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(t.host()).setPort(t.port())
                    .setSsl(t.ssl()).setURI(t.basePath() + "/v1/" + forward.endpoint()).setHeaders(forward.headers());
            clients.get().request(options).onComplete(connected -> {
                if (connected.failed()) {
                    failed(c, "connect", describe(connected.cause()));
                    return;
                }
                HttpClientRequest up = connected.result();
                if (reply.done()) {
                    up.reset();
                    return;
                }
                upstream = up;
                send(c, up);
            });
        }

        private void send(RouteCandidate c, HttpClientRequest up) {
            long sentNanos = System.nanoTime();
            boolean[] timedOut = {false};
            long timer = vertx.setTimer(config.firstByteTimeout().toMillis(), id -> {
                timedOut[0] = true;
                up.reset();
            });
            up.send(forward.body()).onComplete(answered -> {
                vertx.cancelTimer(timer);
                if (answered.failed()) {
                    upstream = null;
                    if (!reply.done()) {
                        failed(c, timedOut[0] ? "timeout" : "connection", timedOut[0]
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
                    upstream = null;
                    discard(resp);
                    failed(c, "html", "answered " + status + " with a web page (" + ProxyHeaders.mediaType(type) + ")");
                    return;
                }
                if (status == 502 || status == 503 || status == 504) {
                    upstream = null;
                    resp.body();
                    failed(c, "status_" + status, "answered " + status);
                    return;
                }
                respond(c, resp, sentNanos);
            });
        }

        private void failed(RouteCandidate c, String reason, String detail) {
            failures.add(c.clusterId() + ": " + detail);
            failureReasons.add(reason);
            metrics.failover(c.clusterId(), reason);
            reply.failedOver(c.clusterId(), reason);
            if (ejector.failed(c.clusterId())) {
                metrics.ejected(c.clusterId());
            }
            if (!reply.done()) {
                attempt();
            }
        }

        /**
         * Every candidate tried failed. When they all failed the same way the answer says which: 504 when none
         * answered in time, 502 when all answered with a web page; any other mix is 503, as is running out of clusters.
         */
        private void exhausted() {
            String reason = "every cluster tried failed (" + String.join(", ", failures) + "); "
                    + (next < order.size() ? "stopped after " + next + " attempts; " : "")
                    + "no cluster outside " + forward.jurisdictions() + " is tried";
            if (failureReasons.equals(Set.of("timeout"))) {
                reply.reject(OpenAiErrors.upstreamTimeout(reason));
            } else if (failureReasons.equals(Set.of("html"))) {
                reply.reject(OpenAiErrors.invalidUpstreamResponse(reason));
            } else {
                reply.reject(OpenAiErrors.unavailable(reason, "no_cluster_available"));
            }
        }

        private void respond(RouteCandidate c, HttpClientResponse resp, long sentNanos) {
            long receivedNanos = System.nanoTime();
            ejector.succeeded(c.clusterId());
            HttpServerResponse out = reply.context().response();
            if (!reply.claim()) {
                discard(resp);
                return;
            }
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
            headers.set(InferenceGateway.CLUSTER_HEADER, c.clusterId());
            headers.set(InferenceGateway.REASON_HEADER, reason(c));
            // set before the relay starts: the headers go out with the first chunk, streamed answers included
            headers.set(InferenceGateway.REQUEST_ID_HEADER, forward.receipt().requestId());
            headers.set(InferenceGateway.RECEIPT_HEADER, receipts.issue(forward.receipt(), c));
            metrics.routed(forward.endpoint(), c.clusterId(), resp.statusCode());
            reply.answeredBy(c);
            metrics.addedLatency(sentNanos - reply.startNanos() + System.nanoTime() - receivedNanos);
            HttpClientRequest up = upstream;
            upstream = null;
            relay = StreamRelay.start(vertx, metrics, config.idleTimeout(), c.clusterId(), up, resp, out);
        }

        private String reason(RouteCandidate c) {
            List<RouteCandidate> ranked = forward.ranked();
            StringBuilder r = new StringBuilder(160);
            int rank = ranked.indexOf(c) + 1;
            r.append(rank == 1 ? "nearest eligible" : "rank " + rank).append(" of ").append(ranked.size()).append(" in ")
                    .append(forward.jurisdictions()).append(" for client at ").append(forward.client())
                    .append(": est. ");
            appendTenths(r, c.estimatedLatencyMs()).append(" ms (network ");
            appendTenths(r, c.networkLatencyMs()).append(c.measured() ? " measured" : " estimated").append(", load ");
            appendTenths(r, c.loadPenaltyMs()).append(", queue ");
            appendTenths(r, c.liveLoadMs()).append(')');
            forward.notes().forEach(note -> r.append("; ").append(note));
            if (!failures.isEmpty()) {
                r.append("; failed over from ").append(String.join(", ", failures));
            }
            for (int i = 0; i < rank - 1; i++) {
                String skipped = ranked.get(i).clusterId();
                if (order.indexOf(ranked.get(i)) > order.indexOf(c)) {
                    r.append("; ").append(skipped).append(" ejected");
                }
            }
            return OpenAiErrors.headerSafe(r.toString());
        }
    }

    /** Drops an answer that will not be passed on, with its connection; the reset is ours, so nothing to report. */
    private static void discard(HttpClientResponse resp) {
        resp.exceptionHandler(e -> {
        });
        resp.request().reset();
    }

    /** {@code value} with one decimal, rounded half up, without a formatter on the hot path. */
    static StringBuilder appendTenths(StringBuilder out, double value) {
        if (!Double.isFinite(value) || Math.abs(value) >= 1e15) {
            return out.append(String.format(Locale.ROOT, "%.1f", value));
        }
        long tenths = Math.round(Math.abs(value) * 10);
        if (value < 0 && tenths != 0) {
            out.append('-');
        }
        return out.append(tenths / 10).append('.').append(tenths % 10);
    }

    private Target target(String endpoint) {
        URI uri = URI.create(endpoint);
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalArgumentException(endpoint);
        }
        boolean ssl = scheme.equals("https");
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        int port = uri.getPort() > 0 ? uri.getPort() : ssl ? 443 : 80;
        return new Target(uri.getHost(), port, ssl, path.endsWith("/") ? path.substring(0, path.length() - 1) : path,
                allowedEndpoints.refusal(uri.getHost(), port));
    }

    static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
