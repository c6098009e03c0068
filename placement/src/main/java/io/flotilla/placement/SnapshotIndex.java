package io.flotilla.placement;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * What placement needs to know about a snapshot, computed once per snapshot rather than once per policy and
 * cluster: cluster index by id, unit vectors, load penalties, distinct GPU pool slots, and lazily (per key)
 * boolean masks of the policy-independent filters, label values and round-trip columns. A snapshot that differs
 * from another in a few clusters is {@link #derive derived} from it: arrays and masks are copied and patched at
 * those clusters only. Cluster indices are positions in {@link FleetSnapshot#clusters()} (id order).
 *
 * <p>Plugins read it while they prepare ({@link FilterPlugin#prepare}, {@link ScorePlugin#prepare}). Arrays it
 * hands out are shared and must not be modified.
 */
public final class SnapshotIndex {

    final FleetSnapshot snapshot;
    final List<ClusterState> clusters;
    final int size;
    private final Map<String, Integer> indexById;
    final double[] ux;
    final double[] uy;
    final double[] uz;
    final double[] loadPenalty;
    /** Per cluster: distinct (model, memory) GPU pools, in {@link ClusterState#gpus()} order. */
    final String[][] slotModel;
    final int[][] slotMemory;
    /** Per cluster: free GPUs per slot as the snapshot reports them. */
    final int[][] slotFree;

    private final int[] changed;
    private final Map<Object, Mask> masks = new ConcurrentHashMap<>();
    private final Map<MaskSet, int[]> candidates = new ConcurrentHashMap<>();
    private final Map<String, String[]> labelValues = new ConcurrentHashMap<>();
    private final Map<String, double[]> measured = new ConcurrentHashMap<>();
    private final Map<io.flotilla.policy.GeoPoint, double[]> estimated = new ConcurrentHashMap<>();

    private SnapshotIndex(FleetSnapshot snapshot, SnapshotIndex parent, int[] changed) {
        this.snapshot = snapshot;
        this.clusters = snapshot.clusters();
        this.size = clusters.size();
        this.changed = changed;
        if (parent == null) {
            indexById = new HashMap<>(size * 2);
            ux = new double[size];
            uy = new double[size];
            uz = new double[size];
            loadPenalty = new double[size];
            slotModel = new String[size][];
            slotMemory = new int[size][];
            slotFree = new int[size][];
            for (int i = 0; i < size; i++) {
                indexById.put(clusters.get(i).id(), i);
                fill(i);
            }
        } else {
            indexById = parent.indexById;
            ux = parent.ux.clone();
            uy = parent.uy.clone();
            uz = parent.uz.clone();
            loadPenalty = parent.loadPenalty.clone();
            slotModel = parent.slotModel.clone();
            slotMemory = parent.slotMemory.clone();
            slotFree = parent.slotFree.clone();
            for (int i : changed) {
                fill(i);
            }
            // masks: copy on write, so that an unchanged mask keeps its identity (and its candidate lists)
            parent.masks.forEach((key, mask) -> {
                boolean[] values = mask.values;
                for (int i : changed) {
                    boolean v = mask.test.test(clusters.get(i));
                    if (v != values[i]) {
                        if (values == mask.values) {
                            values = values.clone();
                        }
                        values[i] = v;
                    }
                }
                masks.put(key, values == mask.values ? mask : new Mask(values, mask.test));
            });
            parent.candidates.forEach((key, list) -> {
                boolean same = true;
                for (boolean[] m : key.masks) {
                    same &= isCurrent(m);
                }
                if (same) {
                    candidates.put(key, list);
                }
            });
            // columns: copied only where a changed cluster's value differs (a load change leaves them all alone)
            parent.labelValues.forEach((key, values) -> labelValues.put(key,
                    patch(values, changed, i -> clusters.get(i).labels().getOrDefault(key, ""))));
            parent.measured.forEach((site, values) -> measured.put(site, patch(values, changed, i -> measured(clusters.get(i), site))));
            parent.estimated.forEach((from, values) -> {
                double[] u = NetworkLatency.unit(from);
                estimated.put(from, patch(values, changed, i -> estimated(u, i)));
            });
        }
    }

    private static String[] patch(String[] values, int[] at, java.util.function.IntFunction<String> value) {
        String[] out = values;
        for (int i : at) {
            String v = value.apply(i);
            if (!v.equals(out[i])) {
                out = out == values ? values.clone() : out;
                out[i] = v;
            }
        }
        return out;
    }

    private static double[] patch(double[] values, int[] at, java.util.function.IntToDoubleFunction value) {
        double[] out = values;
        for (int i : at) {
            double v = value.applyAsDouble(i);
            if (Double.compare(v, out[i]) != 0) {
                out = out == values ? values.clone() : out;
                out[i] = v;
            }
        }
        return out;
    }

    private record Mask(boolean[] values, Predicate<ClusterState> test) {
    }

    private boolean isCurrent(boolean[] m) {
        for (Mask mask : masks.values()) {
            if (mask.values == m) {
                return true;
            }
        }
        return false;
    }

    public FleetSnapshot snapshot() {
        return snapshot;
    }

    public List<ClusterState> clusters() {
        return clusters;
    }

    public int size() {
        return size;
    }

    /** Each cluster's load penalty, {@link NetworkLatency#loadPenaltyMs}. */
    public double[] loadPenalties() {
        return loadPenalty;
    }

    /** The cluster's distinct GPU pools (by model and memory, in {@link ClusterState#gpus()} order): their models. */
    public String[] gpuSlotModels(int cluster) {
        return slotModel[cluster];
    }

    /** GPU memory per GPU of each of the cluster's slots, parallel to {@link #gpuSlotModels}. */
    public int[] gpuSlotMemoryGiB(int cluster) {
        return slotMemory[cluster];
    }

    static SnapshotIndex of(FleetSnapshot snapshot) {
        return new SnapshotIndex(snapshot, null, null);
    }

    /**
     * @param changed indices (ascending) whose {@link ClusterState} differs; every other cluster must be the
     *        same object at the same index in both snapshots
     */
    SnapshotIndex derive(FleetSnapshot next, int[] changed) {
        return new SnapshotIndex(next, this, changed);
    }

    private void fill(int i) {
        ClusterState c = clusters.get(i);
        double[] u = NetworkLatency.unit(c.location());
        ux[i] = u[0];
        uy[i] = u[1];
        uz[i] = u[2];
        loadPenalty[i] = NetworkLatency.loadPenaltyMs(c.load(), c.health());
        List<GpuPool> pools = c.gpus();
        String[] models = new String[pools.size()];
        int[] memory = new int[pools.size()];
        int[] free = new int[pools.size()];
        int n = 0;
        for (GpuPool p : pools) { // sorted by model then memory: equal pools are adjacent
            if (n > 0 && models[n - 1].equals(p.model()) && memory[n - 1] == p.memoryGiB()) {
                free[n - 1] += p.free();
            } else {
                models[n] = p.model();
                memory[n] = p.memoryGiB();
                free[n] = p.free();
                n++;
            }
        }
        slotModel[i] = Arrays.copyOf(models, n);
        slotMemory[i] = Arrays.copyOf(memory, n);
        slotFree[i] = Arrays.copyOf(free, n);
    }

    int indexOf(String clusterId) {
        Integer i = indexById.get(clusterId);
        if (i == null) {
            throw new IllegalArgumentException("no cluster " + clusterId + " in the snapshot");
        }
        return i;
    }

    /** -1 when the snapshot has no such cluster. */
    int indexOrMinusOne(String clusterId) {
        Integer i = indexById.get(clusterId);
        return i == null ? -1 : i;
    }

    static int slot(String[] models, int[] memory, String model, int memoryGiB) {
        for (int s = 0; s < models.length; s++) {
            if (memory[s] == memoryGiB && models[s].equals(model)) {
                return s;
            }
        }
        return -1;
    }

    /**
     * {@code test} over every cluster, cached under {@code key}; {@code test} must depend on the cluster and
     * the key only. A derived index takes its parent's masks and re-tests the changed clusters.
     */
    public boolean[] mask(Object key, Predicate<ClusterState> test) {
        Mask m = masks.get(key);
        if (m != null) {
            return m.values;
        }
        boolean[] values = new boolean[size];
        for (int i = 0; i < size; i++) {
            values[i] = test.test(clusters.get(i));
        }
        return masks.computeIfAbsent(key, k -> new Mask(values, test)).values;
    }

    /** Indices (ascending) where every mask is true, cached by the masks' identities. */
    int[] candidates(List<boolean[]> all) {
        var key = new MaskSet(all);
        int[] c = candidates.get(key);
        if (c != null) {
            return c;
        }
        int[] out = new int[size];
        int n = 0;
        outer:
        for (int i = 0; i < size; i++) {
            for (boolean[] m : all) {
                if (!m[i]) {
                    continue outer;
                }
            }
            out[n++] = i;
        }
        c = Arrays.copyOf(out, n);
        candidates.putIfAbsent(key, c);
        return c;
    }

    /** Each cluster's value of label {@code key}, "" when it has none. */
    public String[] labelValues(String key) {
        String[] v = labelValues.get(key);
        if (v != null) {
            return v;
        }
        String[] values = new String[size];
        for (int i = 0; i < size; i++) {
            values[i] = clusters.get(i).labels().getOrDefault(key, "");
        }
        return labelValues.computeIfAbsent(key, k -> values);
    }

    /**
     * Each cluster's measured round trip from {@code site}, NaN where it has none (a measured NaN also reads
     * NaN: callers then look in the cluster's map).
     */
    public double[] measured(String site) {
        double[] v = measured.get(site);
        if (v != null) {
            return v;
        }
        double[] values = new double[size];
        for (int i = 0; i < size; i++) {
            values[i] = measured(clusters.get(i), site);
        }
        return measured.computeIfAbsent(site, k -> values);
    }

    private static double measured(ClusterState c, String site) {
        Double ms = c.rttMsBySite().get(site);
        return ms == null ? Double.NaN : ms;
    }

    /** Each cluster's estimated round trip from {@code from}, exactly {@link NetworkLatency#estimatedRttMs(GeoPoint, GeoPoint)}. */
    public double[] estimated(io.flotilla.policy.GeoPoint from) {
        double[] v = estimated.get(from);
        if (v != null) {
            return v;
        }
        double[] u = NetworkLatency.unit(from);
        double[] values = new double[size];
        for (int i = 0; i < size; i++) {
            values[i] = estimated(u, i);
        }
        return estimated.computeIfAbsent(from, k -> values);
    }

    double estimated(double[] u, int i) {
        return NetworkLatency.estimatedRttMs(NetworkLatency.kmBetweenUnitVectors(u[0], u[1], u[2], ux[i], uy[i], uz[i]));
    }

    /** Masks compared by identity: they are cached, so equal content means the same array. */
    private record MaskSet(List<boolean[]> masks) {
        @Override
        public boolean equals(Object o) {
            if (!(o instanceof MaskSet other) || other.masks.size() != masks.size()) {
                return false;
            }
            for (int i = 0; i < masks.size(); i++) {
                if (masks.get(i) != other.masks.get(i)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public int hashCode() {
            int h = 1;
            for (boolean[] m : masks) {
                h = 31 * h + System.identityHashCode(m);
            }
            return h;
        }
    }

    @Override
    public String toString() {
        return "SnapshotIndex[" + size + " clusters" + (changed == null ? "" : ", derived at " + Arrays.toString(changed)) + "]";
    }
}
