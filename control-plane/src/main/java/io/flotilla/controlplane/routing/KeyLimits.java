package io.flotilla.controlplane.routing;

import java.util.Locale;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The limits of one API key (or of keyless use): a {@link TokenBucket} for its request rate and a count of its
 * requests in flight. Keys are configured, so there is one instance per key for the life of the router and the set
 * cannot grow with traffic.
 */
final class KeyLimits {

    /** Why a request was refused, and when trying again makes sense. */
    record Refusal(String code, String message, long retryAfterSeconds) {
    }

    private final String subject;
    private final TokenBucket bucket;
    private final String rateText;
    private final int maxConcurrent;
    private final AtomicInteger inFlight = new AtomicInteger();

    /** @param subject whose limits these are, as refusals name it ("this API key") */
    KeyLimits(String subject, OptionalDouble perSecond, OptionalInt burst, OptionalInt maxConcurrent,
            LongSupplier nanoTime) {
        this.subject = subject;
        if (perSecond.isPresent()) {
            int size = burst.orElse((int) Math.max(1, Math.ceil(perSecond.getAsDouble())));
            this.bucket = new TokenBucket(perSecond.getAsDouble(), size, nanoTime);
            this.rateText = String.format(Locale.ROOT, "%s per second, bursts of %d", number(perSecond.getAsDouble()), size);
        } else if (burst.isPresent()) {
            throw new IllegalArgumentException("burst needs requests-per-second (the rate at which the burst refills)");
        } else {
            this.bucket = null;
            this.rateText = null;
        }
        if (maxConcurrent.isPresent() && maxConcurrent.getAsInt() < 1) {
            throw new IllegalArgumentException("max-concurrent must be at least 1, got " + maxConcurrent.getAsInt());
        }
        this.maxConcurrent = maxConcurrent.orElse(Integer.MAX_VALUE);
    }

    /** The key's own limits where it sets them, else the defaults, field by field. */
    static KeyLimits resolve(RouterConfig.RateLimit own, RouterConfig.RateLimit defaults, String subject,
            LongSupplier nanoTime) {
        return new KeyLimits(subject,
                own.requestsPerSecond().isPresent() ? own.requestsPerSecond() : defaults.requestsPerSecond(),
                own.burst().isPresent() ? own.burst() : defaults.burst(),
                own.maxConcurrent().isPresent() ? own.maxConcurrent() : defaults.maxConcurrent(),
                nanoTime);
    }

    boolean unlimited() {
        return bucket == null && maxConcurrent == Integer.MAX_VALUE;
    }

    /**
     * Admits a request, taking one of the key's in-flight places (give it back with {@link #release()}) and a token.
     *
     * @return null when admitted, else why not
     */
    Refusal admit() {
        if (inFlight.incrementAndGet() > maxConcurrent) {
            inFlight.decrementAndGet();
            return new Refusal("concurrency_limit_exceeded", "too many requests in flight for " + subject + " (at most "
                    + maxConcurrent + " at a time); retry when one has finished", 1);
        }
        long waitNanos = bucket == null ? 0 : bucket.tryTake();
        if (waitNanos > 0) {
            inFlight.decrementAndGet();
            long seconds = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
            return new Refusal("rate_limit_exceeded", "rate limit reached for " + subject + " (" + rateText
                    + "); retry after " + seconds + " s", seconds);
        }
        return null;
    }

    void release() {
        inFlight.decrementAndGet();
    }

    int inFlight() {
        return inFlight.get();
    }

    private static String number(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
