package io.flotilla.agent.link;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Sends messages through the link, and buffers them while it is down: bounded, the oldest dropped
 * first (and counted) when full, sent in their original order once the link is back. A message is
 * never sent ahead of older buffered ones. Thread-safe.
 */
public final class OutboundQueue {

    /** What happened to a message handed to {@link #send}. */
    public enum Delivery { SENT, BUFFERED }

    private final ControlPlaneLink link;
    private final int capacity;
    private final Deque<OutboundMessage> buffer = new ArrayDeque<>();
    private long dropped;

    public OutboundQueue(ControlPlaneLink link, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("outbound buffer capacity must be at least 1, got " + capacity);
        }
        this.link = link;
        this.capacity = capacity;
    }

    public synchronized Delivery send(OutboundMessage message) {
        flush();
        if (buffer.isEmpty() && link.isConnected()) {
            try {
                link.publish(message);
                return Delivery.SENT;
            } catch (LinkUnavailableException e) {
                // fall through: buffer it and let the next flush retry
            }
        }
        if (buffer.size() == capacity) {
            buffer.pollFirst();
            dropped++;
        }
        buffer.addLast(message);
        return Delivery.BUFFERED;
    }

    /**
     * Sends buffered messages, oldest first, until the buffer is empty or the link refuses one.
     *
     * @return how many were sent
     */
    public synchronized int flush() {
        int sent = 0;
        while (!buffer.isEmpty() && link.isConnected()) {
            try {
                link.publish(buffer.peekFirst());
            } catch (LinkUnavailableException e) {
                break;
            }
            buffer.pollFirst();
            sent++;
        }
        return sent;
    }

    public synchronized boolean hasBuffered(String topic) {
        return buffer.stream().anyMatch(m -> m.topic().equals(topic));
    }

    public synchronized int buffered() {
        return buffer.size();
    }

    /** Messages dropped because the buffer was full, since start. */
    public synchronized long dropped() {
        return dropped;
    }

    public int capacity() {
        return capacity;
    }
}
