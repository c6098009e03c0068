package io.flotilla.controlplane.support;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * A warning that repeats while a dependency is down (in a database outage every telemetry batch, presence flush and
 * leader check fails) is written in full once per interval, with how many like it were held back since; the rest go
 * to DEBUG. A 30-second outage otherwise wrote a stack trace a second per failing task.
 */
public final class RateLimitedLog {

    private final Logger log;
    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private final AtomicLong lastWritten;
    private final AtomicInteger heldBack = new AtomicInteger();

    public RateLimitedLog(Logger log, Duration interval) {
        this(log, interval, System::nanoTime);
    }

    RateLimitedLog(Logger log, Duration interval, LongSupplier nanoTime) {
        this.log = log;
        this.intervalNanos = interval.toNanos();
        this.nanoTime = nanoTime;
        this.lastWritten = new AtomicLong(nanoTime.getAsLong() - intervalNanos);
    }

    /**
     * Writes the warning (with {@code failure}'s stack trace) if none was written in the interval, else at DEBUG.
     *
     * @return whether it was written as a warning
     */
    public boolean warn(Throwable failure, String format, Object... args) {
        long now = nanoTime.getAsLong();
        long last = lastWritten.get();
        if (now - last >= intervalNanos && lastWritten.compareAndSet(last, now)) {
            int held = heldBack.getAndSet(0);
            String message = String.format(format, args);
            log.warn(held == 0 ? message : message + " (" + held + " more like it held back since the last one)", failure);
            return true;
        }
        heldBack.incrementAndGet();
        log.debugf(failure, format, args);
        return false;
    }

    /** How many warnings were held back since the last one written. */
    public int heldBack() {
        return heldBack.get();
    }
}
