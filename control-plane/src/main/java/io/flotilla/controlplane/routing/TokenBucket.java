package io.flotilla.controlplane.routing;

import java.util.function.LongSupplier;

/**
 * A token bucket: holds up to {@code burst} tokens, refills at {@code perSecond}, and each request takes one. Time
 * comes from an injected nano-time source so that tests move it by hand. Tokens are kept in nanoseconds' worth of
 * refill (one token = {@code nanosPerToken}) so that no fraction is lost between calls.
 */
final class TokenBucket {

    private final long nanosPerToken;
    private final long capacityNanos;
    private final LongSupplier nanoTime;
    /** The refill time held in the bucket, at most {@link #capacityNanos}. */
    private long storedNanos;
    private long lastNanos;

    TokenBucket(double perSecond, int burst, LongSupplier nanoTime) {
        if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
            throw new IllegalArgumentException("requests per second must be a positive number, got " + perSecond);
        }
        if (burst < 1) {
            throw new IllegalArgumentException("burst must be at least 1, got " + burst);
        }
        this.nanosPerToken = Math.max(1, Math.round(1e9 / perSecond));
        this.capacityNanos = saturatedProduct(nanosPerToken, burst);
        this.nanoTime = nanoTime;
        this.storedNanos = capacityNanos;
        this.lastNanos = nanoTime.getAsLong();
    }

    /**
     * Takes a token if one is there.
     *
     * @return 0 if a token was taken, else the nanoseconds until one will be (at least 1)
     */
    synchronized long tryTake() {
        long now = nanoTime.getAsLong();
        long elapsed = now - lastNanos;
        lastNanos = now;
        if (elapsed > 0) {
            storedNanos = elapsed >= capacityNanos - storedNanos ? capacityNanos : storedNanos + elapsed;
        }
        if (storedNanos >= nanosPerToken) {
            storedNanos -= nanosPerToken;
            return 0;
        }
        return nanosPerToken - storedNanos;
    }

    /** A bucket of billions of slow tokens would overflow; it is then as good as endless. */
    private static long saturatedProduct(long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 2;
        }
    }
}
