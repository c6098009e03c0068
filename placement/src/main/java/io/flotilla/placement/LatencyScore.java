package io.flotilla.placement;

import io.flotilla.policy.DemandPoint;
import io.flotilla.policy.GeoPoint;
import java.util.List;

/**
 * Prefers clusters close to where the policy's demand comes from: the weighted mean round trip from the
 * demand points (measured when the cluster has measured that site, else estimated). Neutral without demand.
 */
public final class LatencyScore implements ScorePlugin {

    /** The round trip that scores 50; 0 ms scores 100. */
    public static final double HALF_SCORE_MS = 50.0;

    @Override
    public String name() {
        return "latency";
    }

    @Override
    public double weight() {
        return 40;
    }

    @Override
    public double rawScore(PlacementContext context, ClusterState cluster) {
        List<DemandPoint> demand = context.policy().spec().placement().demand();
        double sum = 0;
        double weights = 0;
        for (DemandPoint d : demand) {
            Double measured = d.site().map(s -> cluster.rttMsBySite().get(s)).orElse(null);
            double ms;
            if (measured != null) {
                ms = measured;
            } else {
                GeoPoint from = d.location(context.sites()).orElse(null);
                if (from == null) {
                    continue; // a site the catalog no longer knows: it says nothing about this cluster
                }
                ms = NetworkLatency.estimatedRttMs(from, cluster.location());
            }
            sum += d.weight() * ms;
            weights += d.weight();
        }
        return weights == 0 ? 0 : sum / weights;
    }

    @Override
    public double[] normalise(double[] raw) {
        return msToScore(raw);
    }

    static double[] msToScore(double[] ms) {
        double[] out = new double[ms.length];
        for (int i = 0; i < ms.length; i++) {
            out[i] = 100 * HALF_SCORE_MS / (HALF_SCORE_MS + ms[i]);
        }
        return out;
    }
}
