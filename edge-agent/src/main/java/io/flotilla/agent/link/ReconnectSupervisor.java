package io.flotilla.agent.link;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Decides when a link connects, so that there is never more than one connect in flight and a disconnected link
 * always tries again.
 *
 * <p>Before this, every callback that saw a failure (the connection lost, a connect refused, a subscribe that
 * failed) scheduled its own retry. Two of them at once put two connects on one client: the broker saw "multiple
 * CONNECT messages" on one socket, and at 10,000 simulated clusters some Paho clients were left disconnected with
 * no retry scheduled, or with a connect that never completed (its sender thread was never started), for good.
 * Now callbacks only {@link #request() request} a retry, which is scheduled once; {@link #connecting()} and
 * {@link #connectEnded(boolean)} bracket the one connect in flight; and a watchdog run every {@code checkInterval}
 * starts a connect when the link is down with nothing scheduled, and {@linkplain Actions#reset() resets} the client
 * when a connect has been in flight longer than {@code stallLimit}.
 */
final class ReconnectSupervisor {

    /** What the supervisor drives: the link's client. */
    interface Actions {
        /** Starts one connect; its outcome is reported through {@link #connectEnded(boolean)}. */
        void connect();

        /** Replaces a client whose connect never completed; the next connect uses the new one. */
        void reset();
    }

    private static final System.Logger LOG = System.getLogger(ReconnectSupervisor.class.getName());

    private final ScheduledExecutorService scheduler;
    private final Actions actions;
    private final BooleanSupplier connected;
    private final Backoff backoff;
    private final Duration stallLimit;
    private final LongSupplier nanoTime;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final AtomicInteger attempt = new AtomicInteger();
    /** When the connect in flight started (System.nanoTime), or 0 with none in flight. */
    private volatile long connectingSince;
    private volatile boolean stopped;

    ReconnectSupervisor(ScheduledExecutorService scheduler, Actions actions, BooleanSupplier connected, Backoff backoff,
            Duration checkInterval, Duration stallLimit, LongSupplier nanoTime) {
        this.scheduler = scheduler;
        this.actions = actions;
        this.connected = connected;
        this.backoff = backoff;
        this.stallLimit = stallLimit;
        this.nanoTime = nanoTime;
        scheduler.scheduleWithFixedDelay(this::check, checkInterval.toMillis(), checkInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Connects now (the first connect). */
    void start() {
        run(0);
    }

    /** A retry after the backoff delay; a retry already scheduled or a connect in flight makes this a no-op. */
    void request() {
        if (stopped || connectingSince != 0) {
            return;
        }
        run(backoff.delay(attempt.getAndIncrement()).toMillis());
    }

    /** Called by the connect just before it starts the client's connect. */
    void connecting() {
        long now = nanoTime.getAsLong();
        connectingSince = now == 0 ? 1 : now;
    }

    /** The connect in flight ended; a failure schedules the next retry. */
    void connectEnded(boolean success) {
        connectingSince = 0;
        if (success) {
            attempt.set(0);
        } else {
            request();
        }
    }

    void stop() {
        stopped = true;
    }

    boolean retryScheduled() {
        return scheduled.get();
    }

    private void run(long delayMillis) {
        if (!scheduled.compareAndSet(false, true)) {
            return;
        }
        try {
            scheduler.schedule(() -> {
                scheduled.set(false);
                if (!stopped && connectingSince == 0 && !connected.getAsBoolean()) {
                    actions.connect();
                }
            }, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            scheduled.set(false); // shutting down
        }
    }

    /** The watchdog: a link that is down must have a retry scheduled or a connect in flight that is still young. */
    void check() {
        if (stopped || connected.getAsBoolean() || scheduled.get()) {
            return;
        }
        long since = connectingSince;
        if (since == 0) {
            LOG.log(System.Logger.Level.WARNING, "MQTT link down with no retry scheduled; reconnecting");
            run(0);
        } else if (nanoTime.getAsLong() - since > stallLimit.toNanos()) {
            LOG.log(System.Logger.Level.WARNING, "MQTT connect in flight for more than {0}; replacing the client", stallLimit);
            connectingSince = 0;
            actions.reset();
            run(0);
        }
    }
}
