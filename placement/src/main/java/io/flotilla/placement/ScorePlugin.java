package io.flotilla.placement;

/**
 * A preference among clusters that passed every filter. Each plugin gives a raw score per cluster, then
 * normalises all raw scores of one round to 0..100 (100 best); the engine adds them up by weight.
 */
public interface ScorePlugin {

    String name();

    /** Relative weight of this plugin in the total. */
    double weight();

    double rawScore(PlacementContext context, ClusterState cluster);

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
}
