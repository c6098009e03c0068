package io.flotilla.controlplane.support;

import io.micrometer.core.instrument.Counter;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Takes agents' reports off the MQTT connector's event loop: {@link #offer} only queues (bounded, the oldest
 * dropped under overload), and one thread of its own hands them in batches to the handler, which verifies and
 * applies them. The event loop never decodes: a connector that falls its buffer's length behind fails the channel
 * with {@code BackPressureFailure}, and nothing more would arrive until a restart.
 */
public final class DecodingInbox<T> {

    private static final Logger LOG = Logger.getLogger(DecodingInbox.class);
    private static final int BATCH = 1000;

    private final String name;
    private final DropOldestQueue<T> queue;
    private final Consumer<T> handler;
    private final Counter dropped;
    private volatile boolean running;
    private Thread thread;

    /**
     * @param name the thread's name, and what a failure is logged as
     * @param dropped counts the reports dropped to make room
     */
    public DecodingInbox(String name, int capacity, Consumer<T> handler, Counter dropped) {
        this.name = name;
        this.queue = new DropOldestQueue<>(capacity);
        this.handler = handler;
        this.dropped = dropped;
    }

    /** Queues one report; never blocks. Under overload the oldest queued one makes room, and is counted. */
    public void offer(T item) {
        if (queue.offer(item) > 0) {
            dropped.increment();
        }
    }

    public int size() {
        return queue.size();
    }

    public void start() {
        running = true;
        thread = Thread.ofPlatform().name(name).daemon().start(this::loop);
    }

    /** Stops after handing over what is queued, waiting up to five seconds. */
    public void stop() throws InterruptedException {
        running = false;
        if (thread != null) {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        }
    }

    private void loop() {
        var batch = new ArrayList<T>(BATCH);
        while (running || queue.size() > 0) {
            try {
                batch.clear();
                queue.drain(batch, BATCH, 200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            for (T item : batch) {
                try {
                    handler.accept(item);
                } catch (RuntimeException e) {
                    LOG.warnf(e, "%s: handling a report failed; it is dropped", name);
                }
            }
        }
    }
}
