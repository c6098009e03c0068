package io.flotilla.agent.link;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with "equal jitter": the n-th delay is drawn from [d/2, d] where
 * d = min(max, initial * 2^n). Jitter keeps a fleet that lost its broker at the same moment from
 * reconnecting in lock-step.
 */
public final class Backoff {

    private final Duration initial;
    private final Duration max;
    private final DoubleSupplier random;

    public Backoff(Duration initial, Duration max, DoubleSupplier random) {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max, got " + initial + " and " + max);
        }
        this.initial = initial;
        this.max = max;
        this.random = random;
    }

    /** The delay before retry number {@code attempt} (0 for the first retry). */
    public Duration delay(int attempt) {
        long ceiling = (long) Math.min(max.toMillis(), initial.toMillis() * Math.pow(2, Math.max(0, attempt)));
        long half = ceiling / 2;
        return Duration.ofMillis(half + Math.round((ceiling - half) * random.getAsDouble()));
    }
}
