package io.flotilla.placement.routing;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Which cluster served a session (or a prompt prefix) last, per alias, so that the next request of the session
 * can go back to it and hit the model server's prefix cache. Bounded: a fixed number of hashed slots, a newer
 * key taking over its slot (no eviction list, no lock; a lost write only costs one cache miss). A slot holds
 * the alias and the full 64-bit key, so a collision never sends a request to another alias's cluster, and the
 * router only follows a preference that is among the request's own candidates, inside its jurisdictions.
 */
public final class AffinityTable {

    private record Slot(String alias, long key, String clusterId) {
    }

    private final AtomicReferenceArray<Slot> slots;
    private final int mask;

    /** @param capacity slots, rounded up to a power of two */
    public AffinityTable(int capacity) {
        if (capacity < 1 || capacity > 1 << 26) {
            throw new IllegalArgumentException("capacity must be 1.." + (1 << 26) + ", got " + capacity);
        }
        int size = Integer.bitCount(capacity) == 1 ? capacity : Integer.highestOneBit(capacity) << 1;
        slots = new AtomicReferenceArray<>(size);
        mask = size - 1;
    }

    public int capacity() {
        return slots.length();
    }

    /** The cluster that last served {@code key} for {@code alias}, or null. */
    public String preferred(String alias, long key) {
        Slot s = slots.get(index(alias, key));
        return s != null && s.key == key && s.alias.equals(alias) ? s.clusterId : null;
    }

    /** Remembers that {@code clusterId} served {@code key}; allocates only when the slot changes. */
    public void served(String alias, long key, String clusterId) {
        int i = index(alias, key);
        Slot s = slots.get(i);
        if (s == null || s.key != key || !s.alias.equals(alias) || !s.clusterId.equals(clusterId)) {
            slots.set(i, new Slot(alias, key, clusterId));
        }
    }

    private int index(String alias, long key) {
        long h = (key ^ (alias.hashCode() * 0x9E3779B97F4A7C15L)) * 0xBF58476D1CE4E5B9L;
        return (int) (h ^ (h >>> 31)) & mask;
    }
}
