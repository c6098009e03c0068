package io.flotilla.placement;

/** A score prepared for one policy in one cycle ({@link ScorePlugin#prepare}): raw scores by cluster index. */
@FunctionalInterface
public interface ScoreColumn {

    /**
     * The raw score of a cluster. Called in the hot loop: no allocation.
     *
     * @param chosen indices of the clusters chosen so far, in pick order, in its first {@code chosenCount} entries
     *        (read only by scores that {@link ScorePlugin#dependsOnSelection depend on the selection})
     */
    double raw(int cluster, int[] chosen, int chosenCount);
}
