package io.flotilla.placement.plugins;

import io.flotilla.placement.ClusterState;
import io.flotilla.placement.PlacementContext;
import io.flotilla.placement.ScoreColumn;
import io.flotilla.placement.ScorePlugin;

/** Prefers the clusters the policy already runs on, so that small changes elsewhere do not move it (churn). */
public final class SteadinessScore implements ScorePlugin {
    @Override
    public String name() {
        return "steadiness";
    }

    @Override
    public double rawScore(PlacementContext context, ClusterState cluster) {
        return context.previous().flatMap(d -> d.assignment(cluster.id())).isPresent() ? 1 : 0;
    }

    @Override
    public ScoreColumn prepare(PlacementContext context) {
        return (c, chosen, chosenCount) -> context.previouslyChosen(c) ? 1 : 0;
    }

    @Override
    public double[] normalise(double[] raw) {
        double[] out = new double[raw.length];
        for (int i = 0; i < raw.length; i++) {
            out[i] = raw[i] * 100;
        }
        return out;
    }

    @Override
    public boolean scoresPerCluster() {
        return true;
    }

    @Override
    public boolean readsCapacity() {
        return false;
    }
}
