package io.flotilla.placement;

/** Prefers clusters with short queues and GPUs below the utilisation knee, on the same millisecond scale as latency. */
public final class LoadScore implements ScorePlugin {
    @Override
    public String name() {
        return "load";
    }

    @Override
    public double weight() {
        return 20;
    }

    @Override
    public double rawScore(PlacementContext context, ClusterState cluster) {
        return NetworkLatency.loadPenaltyMs(cluster.load(), cluster.health());
    }

    @Override
    public double[] normalise(double[] raw) {
        return LatencyScore.msToScore(raw);
    }
}
