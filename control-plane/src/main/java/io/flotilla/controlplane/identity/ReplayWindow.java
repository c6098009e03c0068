package io.flotilla.controlplane.identity;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * The anti-replay window of one cluster's reports of one kind, after IPsec's (RFC 4303, 3.4.3) but over envelope
 * times and message ids instead of sequence numbers. A message is accepted once: when its time is no older than the
 * newest accepted time less the {@code tolerance}, and its id was not accepted before. Ids are remembered while
 * their time is inside the window; when more than {@code capacity} would be, the oldest are forgotten and the
 * floor rises past them. So a message accepted once is refused ever after (by its id, or by the floor), while
 * messages that arrive out of order by up to the tolerance are all taken.
 *
 * <p>Reports need the tolerance because the broker does not keep their order: MQTT gives no ordering guarantee for
 * shared subscriptions, and HiveMQ does deliver QoS 0 messages of one publisher out of order through one (3 of 360
 * telemetry reports, measured with a plain subscriber beside the shared one, which received all in order).
 *
 * <p>Not thread-safe: the verifier updates each window inside {@code ConcurrentHashMap.compute}.
 */
final class ReplayWindow {

    private record Seen(Instant time, String id) {
    }

    private final Duration tolerance;
    private final int capacity;
    private final PriorityQueue<Seen> byTime = new PriorityQueue<>(Comparator.comparing(Seen::time));
    private final Set<String> ids = new HashSet<>();
    private Instant newest;
    /** Times at or before this are refused: an id of that age may have been forgotten. */
    private Instant floor;

    ReplayWindow(Duration tolerance, int capacity) {
        if (tolerance.isNegative()) {
            throw new IllegalArgumentException("tolerance must not be negative, got " + tolerance);
        }
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.tolerance = tolerance;
        this.capacity = capacity;
    }

    /** Whether the message is new (and it is now remembered), or a replay or too old (and nothing changes). */
    boolean accept(Instant time, String id) {
        if (newest != null && time.isBefore(newest.minus(tolerance)) || floor != null && !time.isAfter(floor)
                || ids.contains(id)) {
            return false;
        }
        byTime.add(new Seen(time, id));
        ids.add(id);
        if (newest == null || time.isAfter(newest)) {
            newest = time;
        }
        Instant oldestKept = newest.minus(tolerance);
        while (!byTime.isEmpty() && (byTime.size() > capacity || byTime.peek().time().isBefore(oldestKept))) {
            Seen forgotten = byTime.poll();
            ids.remove(forgotten.id());
            if (floor == null || forgotten.time().isAfter(floor)) {
                floor = forgotten.time();
            }
        }
        return true;
    }
}
