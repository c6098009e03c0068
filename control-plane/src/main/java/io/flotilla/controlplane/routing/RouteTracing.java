package io.flotilla.controlplane.routing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.vertx.ext.web.RoutingContext;

/**
 * The span of each routed request, {@code flotilla.route}: the model, the tenant and the jurisdictions it may reach;
 * {@link Reply} adds the failed attempts, the cluster that answered and its jurisdiction, or the rejection. Never its
 * body, headers or API key. With the OpenTelemetry SDK off ({@code quarkus.otel.sdk.disabled}, the default) there is
 * no tracer: a request costs one null check, and no context is propagated.
 */
final class RouteTracing {

    private final Tracer tracer;

    /** @param tracer null: tracing is off */
    RouteTracing(Tracer tracer) {
        this.tracer = tracer;
    }

    /** Starts the span of {@code reply}'s request, ended with the exchange; nothing with tracing off. */
    void start(Reply reply, String model, String tenant, String jurisdictions) {
        if (tracer == null) {
            return;
        }
        RoutingContext rc = reply.context();
        Span span = tracer.spanBuilder("flotilla.route").setSpanKind(SpanKind.SERVER)
                .setAttribute("flotilla.endpoint", reply.endpoint())
                .setAttribute("flotilla.model", model)
                .setAttribute("flotilla.tenant", tenant == null ? "none" : tenant)
                .setAttribute("flotilla.jurisdictions", jurisdictions)
                .startSpan();
        rc.addEndHandler(done -> {
            span.setAttribute("http.response.status_code", rc.response().getStatusCode());
            span.end();
        });
        reply.trace(span);
    }
}
