package io.flotilla.placement;

import java.util.Arrays;

/**
 * Free capacity while one placement run hands it out, policy after policy, so that two policies never both
 * get the last GPU. A policy's previous reservation on a cluster (already counted as used in the snapshot)
 * is credited back to that policy only; what a policy gives up is not handed to others in the same run,
 * because its old replicas keep running until the rollout replaces them.
 *
 * <p>One immutable {@link Free} per cluster (by snapshot index), replaced on every reservation, so that a
 * {@link #frozen} copy of the state before a policy costs one array copy; explanations are formatted from it
 * later, on demand.
 */
final class CapacityLedger {

    /** Free CPU, memory and GPUs per {@link SnapshotIndex} slot of one cluster; never changed once built. */
    static final class Free {
        final long cpu;
        final long memory;
        final int[] gpus;

        Free(long cpu, long memory, int[] gpus) {
            this.cpu = cpu;
            this.memory = memory;
            this.gpus = gpus;
        }

        boolean sameAs(Free o) {
            return this == o || (cpu == o.cpu && memory == o.memory && Arrays.equals(gpus, o.gpus));
        }
    }

    final SnapshotIndex index;
    private final Free[] free;
    /** Overrides on top of {@link #free} for a read-only view: cluster indices (ascending) and their state. */
    private final int[] overrideAt;
    private final Free[] overrideFree;
    private final boolean readOnly;

    CapacityLedger(FleetSnapshot snapshot) {
        this(SnapshotIndex.of(snapshot));
    }

    CapacityLedger(SnapshotIndex index) {
        this(index, initial(index), null, null, false);
    }

    private CapacityLedger(SnapshotIndex index, Free[] free, int[] overrideAt, Free[] overrideFree, boolean readOnly) {
        this.index = index;
        this.free = free;
        this.overrideAt = overrideAt;
        this.overrideFree = overrideFree;
        this.readOnly = readOnly;
    }

    private static Free[] initial(SnapshotIndex index) {
        Free[] f = new Free[index.size];
        for (int i = 0; i < f.length; i++) {
            f[i] = initial(index, i);
        }
        return f;
    }

    static Free initial(SnapshotIndex index, int i) {
        ClusterState c = index.clusters.get(i);
        return new Free(c.cpuMillicoresFree(), c.memoryBytesFree(), index.slotFree[i]);
    }

    /** A read-only copy of the current state. */
    CapacityLedger frozen() {
        return new CapacityLedger(index, readOnly ? free : free.clone(), overrideAt, overrideFree, true);
    }

    /** A read-only view over {@code index}: {@code base}'s state with clusters {@code at} (ascending) in {@code state}. */
    static CapacityLedger view(SnapshotIndex index, CapacityLedger base, int[] at, Free[] state) {
        int n;
        if (base.overrideAt != null) { // merge two ascending lists, the new state wins
            int[] a = base.overrideAt;
            int[] keys = new int[a.length + at.length];
            Free[] values = new Free[keys.length];
            int i = 0;
            int j = 0;
            n = 0;
            while (i < a.length || j < at.length) {
                if (j == at.length || (i < a.length && a[i] < at[j])) {
                    keys[n] = a[i];
                    values[n++] = base.overrideFree[i++];
                } else {
                    if (i < a.length && a[i] == at[j]) {
                        i++;
                    }
                    keys[n] = at[j];
                    values[n++] = state[j++];
                }
            }
            at = keys;
            state = values;
        } else {
            at = at.clone();
            state = state.clone();
            n = at.length;
        }
        // drop what equals the base again, so that overrides stay as few as the clusters that differ now
        int kept = 0;
        for (int k = 0; k < n; k++) {
            if (!state[k].sameAs(base.free[at[k]])) {
                at[kept] = at[k];
                state[kept++] = state[k];
            }
        }
        at = Arrays.copyOf(at, kept);
        state = Arrays.copyOf(state, kept);
        return new CapacityLedger(index, base.free, at.length == 0 ? null : at, at.length == 0 ? null : state, true);
    }

    /** A writable ledger over {@code index} that starts from this one's state. */
    CapacityLedger writableCopy(SnapshotIndex over) {
        Free[] f = free.clone();
        if (overrideAt != null) {
            for (int k = 0; k < overrideAt.length; k++) {
                f[overrideAt[k]] = overrideFree[k];
            }
        }
        return new CapacityLedger(over, f, null, null, false);
    }

    boolean hasOverrides() {
        return overrideAt != null;
    }

    Free free(int i) {
        if (overrideAt != null) {
            int k = Arrays.binarySearch(overrideAt, i);
            if (k >= 0) {
                return overrideFree[k];
            }
        }
        return free[i];
    }

    /** Replaces one cluster's state (incremental re-placement). */
    void set(int i, Free f) {
        checkWritable();
        free[i] = f;
    }

    int freeGpus(String clusterId, GpuPool pool, Reservation credit) {
        int i = index.indexOf(clusterId);
        int s = SnapshotIndex.slot(index.slotModel[i], index.slotMemory[i], pool.model(), pool.memoryGiB());
        int n = s < 0 ? 0 : free(i).gpus[s];
        return n + (credit.gpus() > 0 && credit.gpuModel().equals(pool.model()) && credit.gpuMemoryGiB() == pool.memoryGiB() ? credit.gpus() : 0);
    }

    long freeCpu(String clusterId, Reservation credit) {
        return free(index.indexOf(clusterId)).cpu + credit.cpuMillicores();
    }

    long freeMemory(String clusterId, Reservation credit) {
        return free(index.indexOf(clusterId)).memory + credit.memoryBytes();
    }

    void reserve(String clusterId, Reservation r, Reservation credit) {
        reserve(index.indexOf(clusterId), r, credit);
    }

    void reserve(int i, Reservation r, Reservation credit) {
        checkWritable();
        Free f = free[i];
        long cpu = f.cpu - Math.max(0, r.cpuMillicores() - credit.cpuMillicores());
        long memory = f.memory - Math.max(0, r.memoryBytes() - credit.memoryBytes());
        int[] gpus = f.gpus;
        boolean negative = false;
        if (r.gpus() > 0) {
            boolean samePool = credit.gpuModel().equals(r.gpuModel()) && credit.gpuMemoryGiB() == r.gpuMemoryGiB();
            int take = Math.max(0, r.gpus() - (samePool ? credit.gpus() : 0));
            int s = SnapshotIndex.slot(index.slotModel[i], index.slotMemory[i], r.gpuModel(), r.gpuMemoryGiB());
            if (s < 0) {
                negative = take > 0;
            } else {
                gpus = gpus.clone();
                gpus[s] -= take;
            }
        }
        for (int g : gpus) {
            negative |= g < 0;
        }
        if (cpu < 0 || memory < 0 || negative) {
            throw new IllegalStateException("reserved more than was free on " + index.clusters.get(i).id()
                    + ": a fit filter let too much through");
        }
        free[i] = new Free(cpu, memory, gpus);
    }

    private void checkWritable() {
        if (readOnly) {
            throw new IllegalStateException("a frozen ledger does not change");
        }
    }
}
