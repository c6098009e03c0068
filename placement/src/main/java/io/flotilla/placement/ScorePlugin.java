package io.flotilla.placement;

/**
 * A preference among clusters that passed every filter. Each plugin gives a raw score per cluster, then
 * normalises all raw scores of one round to 0..100 (100 best); the engine adds them up by the weights of
 * {@link PlacementPlugins}.
 */
public interface ScorePlugin {

    /** Short, stable name: the key of the score breakdown and of the plugin's weight. */
    String name();

    double rawScore(PlacementContext context, ClusterState cluster);

    /**
     * The score prepared for one policy in one cycle: per-snapshot columns looked up once, then raw scores by
     * cluster index. The default asks {@link #rawScore} (with {@link PlacementContext#chosenSoFar()} kept up to
     * date); a plugin that prepares must give exactly the same values.
     */
    default ScoreColumn prepare(PlacementContext context) {
        return (cluster, chosen, chosenCount) -> rawScore(context, context.cluster(cluster));
    }

    /**
     * Raw scores of all candidates to 0..100. The default maps the lowest raw score to 0 and the highest to
     * 100 (all 100 when they are equal); plugins with a natural scale override it, so that small raw
     * differences stay small.
     */
    default double[] normalise(double[] raw) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double r : raw) {
            min = Math.min(min, r);
            max = Math.max(max, r);
        }
        double[] out = new double[raw.length];
        for (int i = 0; i < raw.length; i++) {
            out[i] = max == min ? 100 : 100 * (raw[i] - min) / (max - min);
        }
        return out;
    }

    /** True when the score depends on {@link PlacementContext#chosenSoFar()}; it is then recomputed after every pick. */
    default boolean dependsOnSelection() {
        return false;
    }

    /**
     * Whether the score depends on the selection for this policy: a score that can but does not here (spread with no
     * spreadBy) lets the engine rank the feasible clusters once instead of once per pick.
     */
    default boolean dependsOnSelection(PlacementContext context) {
        return dependsOnSelection();
    }

    /**
     * True when the raw score depends only on the policy, the cluster's own state, the chosen clusters and
     * reservations of the previous decision and the clusters chosen so far, and {@link #normalise} maps each raw
     * score on its own (not relative to the others). A long-lived engine then re-scores only the clusters that
     * changed; with a score that is not, every run starts from scratch.
     */
    default boolean scoresPerCluster() {
        return false;
    }

    /** Whether the raw score reads free capacity; a re-placement then re-scores clusters whose capacity changed. */
    default boolean readsCapacity() {
        return true;
    }
}
