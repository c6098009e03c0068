package io.flotilla.controlplane.routing;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Copies a cluster's answer to the client as it arrives, with back-pressure, and watches for a stall: no data for
 * idle-timeout while the client keeps up. A cut upstream (reset, error) is cut for the client too; a stalled one is
 * cut, and an event stream then ends with an error event. Used on the request's event loop only.
 */
final class StreamRelay {

    private final Vertx vertx;
    private final RouterMetrics metrics;
    private final Duration idleTimeout;
    private final long idleTimeoutNanos;
    private final String cluster;
    private final HttpClientResponse resp;
    private final HttpServerResponse out;
    /** The cluster's request until its answer has been relayed or cut: reset if the client leaves. */
    private HttpClientRequest upstream;
    private long lastDataNanos;
    private boolean clientBehind;
    private long idleTimer = -1;

    private StreamRelay(Vertx vertx, RouterMetrics metrics, Duration idleTimeout, String cluster, HttpClientRequest upstream,
            HttpClientResponse resp, HttpServerResponse out) {
        this.vertx = vertx;
        this.metrics = metrics;
        this.idleTimeout = idleTimeout;
        this.idleTimeoutNanos = Math.max(1, idleTimeout.toNanos());
        this.cluster = cluster;
        this.upstream = upstream;
        this.resp = resp;
        this.out = out;
    }

    /**
     * Starts relaying {@code resp}, the answer of {@code cluster} to {@code upstream}, to {@code out}, whose status and
     * headers are set already.
     */
    static StreamRelay start(Vertx vertx, RouterMetrics metrics, Duration idleTimeout, String cluster,
            HttpClientRequest upstream, HttpClientResponse resp, HttpServerResponse out) {
        StreamRelay relay = new StreamRelay(vertx, metrics, idleTimeout, cluster, upstream, resp, out);
        relay.start();
        return relay;
    }

    private void start() {
        lastDataNanos = System.nanoTime();
        resp.handler(chunk -> {
            lastDataNanos = System.nanoTime();
            out.write(chunk);
            if (out.writeQueueFull()) {
                clientBehind = true;
                resp.pause();
                out.drainHandler(v -> {
                    clientBehind = false;
                    lastDataNanos = System.nanoTime();
                    resp.resume();
                });
            }
        });
        resp.exceptionHandler(e -> {
            stopIdleTimer();
            upstream = null;
            if (!out.ended() && !out.closed()) {
                out.reset();
            }
        });
        resp.endHandler(v -> {
            stopIdleTimer();
            upstream = null;
            if (!out.ended() && !out.closed()) {
                out.end();
            }
        });
        idleTimer = vertx.setTimer(TimeUnit.NANOSECONDS.toMillis(idleTimeoutNanos) + 1, id -> checkIdle());
    }

    /** The client left: stop watching, and stop the cluster's work for it. */
    void cancel() {
        stopIdleTimer();
        if (upstream != null) {
            upstream.reset();
        }
    }

    private void stopIdleTimer() {
        if (idleTimer >= 0) {
            vertx.cancelTimer(idleTimer);
            idleTimer = -1;
        }
    }

    private void checkIdle() {
        idleTimer = -1;
        if (out.ended() || out.closed() || upstream == null) {
            return;
        }
        long idle = System.nanoTime() - lastDataNanos;
        if (clientBehind || idle < idleTimeoutNanos) {
            long waitNanos = clientBehind ? idleTimeoutNanos : idleTimeoutNanos - idle;
            idleTimer = vertx.setTimer(TimeUnit.NANOSECONDS.toMillis(waitNanos) + 1, id -> checkIdle());
            return;
        }
        metrics.stalled(cluster);
        // taken first: ending the client's side runs the handlers that would otherwise reset it as well
        HttpClientRequest up = upstream;
        upstream = null;
        String message = "cluster " + cluster + " sent nothing for " + idleTimeout.toMillis()
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
}
