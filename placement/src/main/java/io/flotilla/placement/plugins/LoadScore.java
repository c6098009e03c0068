package io.flotilla.placement.plugins;

import io.flotilla.placement.ClusterState;
import io.flotilla.placement.NetworkLatency;
import io.flotilla.placement.PlacementContext;
import io.flotilla.placement.ScoreColumn;
import io.flotilla.placement.ScorePlugin;

/** Prefers clusters with short queues and GPUs below the utilisation knee, on the same millisecond scale as latency. */
public final class LoadScore implements ScorePlugin {
    @Override
    public String name() {
        return "load";
    }

    @Override
    public double rawScore(PlacementContext context, ClusterState cluster) {
        return NetworkLatency.loadPenaltyMs(cluster.load(), cluster.health());
    }

    @Override
    public ScoreColumn prepare(PlacementContext context) {
        double[] penalty = context.index().loadPenalties();
        return (c, chosen, chosenCount) -> penalty[c];
    }

    @Override
    public double[] normalise(double[] raw) {
        return LatencyScore.msToScore(raw);
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
