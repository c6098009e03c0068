package io.flotilla.controlplane.routing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Passive health per cluster, as Envoy's outlier detection: after {@code ejectAfter} consecutive failures a cluster is
 * ejected for a cool-down, during which it is tried only after every other candidate. Ejected clusters are still tried
 * last rather than skipped, so a request is never refused because of a stale verdict while a candidate is left.
 */
final class OutlierEjector {

    private static final class State {
        int consecutiveFailures;
        long ejectedUntilNanos;
    }

    private final int ejectAfter;
    private final long cooldownNanos;
    private final LongSupplier nanoTime;
    private final Map<String, State> states = new ConcurrentHashMap<>();

    OutlierEjector(int ejectAfter, Duration cooldown, LongSupplier nanoTime) {
        this.ejectAfter = Math.max(1, ejectAfter);
        this.cooldownNanos = cooldown.toNanos();
        this.nanoTime = nanoTime;
    }

    boolean isEjected(String cluster) {
        State s = states.get(cluster);
        if (s == null) {
            return false;
        }
        synchronized (s) {
            return s.ejectedUntilNanos != 0 && s.ejectedUntilNanos - nanoTime.getAsLong() > 0;
        }
    }

    /** @return whether this failure ejected the cluster */
    boolean failed(String cluster) {
        State s = states.computeIfAbsent(cluster, c -> new State());
        synchronized (s) {
            if (++s.consecutiveFailures >= ejectAfter) {
                s.consecutiveFailures = 0;
                s.ejectedUntilNanos = nanoTime.getAsLong() + cooldownNanos;
                return true;
            }
            return false;
        }
    }

    void succeeded(String cluster) {
        State s = states.get(cluster);
        if (s != null) {
            synchronized (s) {
                s.consecutiveFailures = 0;
                s.ejectedUntilNanos = 0;
            }
        }
    }

    /** The candidates in rank order, ejected ones moved to the end (in rank order among themselves). */
    <T> List<T> order(List<T> ranked, Function<T, String> clusterOf) {
        if (states.isEmpty()) {
            return ranked;
        }
        var healthy = new ArrayList<T>(ranked.size());
        var ejected = new ArrayList<T>(0);
        for (T c : ranked) {
            (isEjected(clusterOf.apply(c)) ? ejected : healthy).add(c);
        }
        if (ejected.isEmpty()) {
            return ranked;
        }
        healthy.addAll(ejected);
        return healthy;
    }
}
