package io.flotilla.controlplane.support;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded queue that never blocks its producers: when full, the oldest element makes room and is counted
 * as dropped. Telemetry is a stream of snapshots, so under overload the newest readings are the ones to keep
 * and memory stays bounded whatever the agents send; routing receipts are recorded through one too, so that a slow
 * database never holds up a routed request.
 */
public final class DropOldestQueue<T> {

    private final int capacity;
    private final ArrayDeque<T> items;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private long dropped;

    public DropOldestQueue(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
        this.items = new ArrayDeque<>(Math.min(capacity, 65_536));
    }

    /** @return how many elements were dropped to make room (0 or 1) */
    public int offer(T item) {
        lock.lock();
        try {
            int made = 0;
            if (items.size() == capacity) {
                items.pollFirst();
                dropped++;
                made = 1;
            }
            items.addLast(item);
            notEmpty.signal();
            return made;
        } finally {
            lock.unlock();
        }
    }

    /** Moves up to {@code max} elements into {@code into}, waiting up to {@code timeout} for the first. */
    public int drain(List<T> into, int max, long timeout, TimeUnit unit) throws InterruptedException {
        lock.lock();
        try {
            long nanos = unit.toNanos(timeout);
            while (items.isEmpty()) {
                if (nanos <= 0) {
                    return 0;
                }
                nanos = notEmpty.awaitNanos(nanos);
            }
            int n = 0;
            while (n < max && !items.isEmpty()) {
                into.add(items.pollFirst());
                n++;
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    public int size() {
        lock.lock();
        try {
            return items.size();
        } finally {
            lock.unlock();
        }
    }

    public long dropped() {
        lock.lock();
        try {
            return dropped;
        } finally {
            lock.unlock();
        }
    }
}
