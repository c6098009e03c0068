package io.flotilla.controlplane.routing;

import io.flotilla.placement.routing.RouteCandidate;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * The client's side of one {@code /v1} request: it is answered at most once, by the router's own error or by a
 * cluster's answer, and may go away first. Used on the request's event loop only.
 */
final class Reply {

    private final RoutingContext rc;
    private final String endpoint;
    private final long startNanos = System.nanoTime();
    private final RouterMetrics metrics;
    private boolean done;
    /** The request's span (see {@link RouteTracing}); null when it has none. */
    private Span span;
    private Runnable onGone = () -> {
    };

    private static final CharSequence NOSNIFF_HEADER = HttpHeaders.createOptimized("X-Content-Type-Options");
    private static final CharSequence NOSNIFF = HttpHeaders.createOptimized("nosniff");

    /** @param endpoint the path under /v1 ("chat/completions", "models", ...) as the metrics tag it */
    Reply(RoutingContext rc, String endpoint, RouterMetrics metrics) {
        this.rc = rc;
        this.endpoint = endpoint;
        this.metrics = metrics;
        // answers are JSON or event streams; a browser must never guess them into something it renders
        rc.response().putHeader(NOSNIFF_HEADER, NOSNIFF);
    }

    RoutingContext context() {
        return rc;
    }

    String endpoint() {
        return endpoint;
    }

    long startNanos() {
        return startNanos;
    }

    /** Whether the request has been answered, or its client is gone: nothing more is to be sent either way. */
    boolean done() {
        return done;
    }

    /** Takes the right to answer: true once, for whoever answers first; false once answered or gone. */
    boolean claim() {
        if (done) {
            return false;
        }
        done = true;
        return true;
    }

    /** Answers with the router's own error, unless answered already. */
    void reject(OpenAiErrors.Rejection rejection) {
        if (!claim()) {
            return;
        }
        metrics.rejected(endpoint, rejection.metric());
        if (span != null) {
            span.setAttribute("flotilla.rejection", rejection.metric()).setStatus(StatusCode.ERROR);
        }
        OpenAiErrors.send(rc.request(), rc.response(), rejection);
    }

    void trace(Span requestSpan) {
        this.span = requestSpan;
    }

    /** An attempt at {@code cluster} failed, and the request moves on to the next candidate if any. */
    void failedOver(String cluster, String reason) {
        if (span != null) {
            span.addEvent("failover", Attributes.builder().put("flotilla.cluster", cluster).put("flotilla.reason", reason)
                    .build());
        }
    }

    /** {@code cluster} answers the request. */
    void answeredBy(RouteCandidate cluster) {
        if (span != null) {
            span.setAttribute("flotilla.cluster", cluster.clusterId())
                    .setAttribute("flotilla.cluster.jurisdiction", cluster.jurisdiction());
        }
    }

    /** What to stop when the client goes away before its answer is complete (the cluster's request, a timer). */
    void onGone(Runnable cancel) {
        this.onGone = cancel;
    }

    /** The client went away, or its request broke: nothing is sent anymore, and what works for it is stopped. */
    void gone() {
        done = true;
        onGone.run();
    }

    /** The request broke while its body was read: nothing is sent anymore. */
    void broken() {
        done = true;
    }
}
