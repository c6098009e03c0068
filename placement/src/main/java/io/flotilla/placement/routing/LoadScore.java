package io.flotilla.placement.routing;

/**
 * The milliseconds a cluster's live load adds to its route score:
 * {@code loadWeight * waiting / max(1, running) + cacheWeight * cacheUse^4}. The first term estimates the wait
 * of a new request behind the queue, served {@code running} at a time, with {@code loadWeight} the time one
 * request holds its place in the batch; the second stays small while the KV cache has room and grows steeply
 * near full, where the server starts preempting and recomputing.
 */
public final class LoadScore {

    private LoadScore() {
    }

    public static double liveMs(LiveLoad load, double loadWeight, double cacheWeight) {
        if (load == null) {
            return 0;
        }
        double waiting = Math.max(0, load.waiting());
        double queueMs = loadWeight * waiting / Math.max(1, load.running());
        double u = Math.min(1, Math.max(0, load.cacheUse()));
        double u2 = u * u;
        return queueMs + cacheWeight * u2 * u2;
    }
}
