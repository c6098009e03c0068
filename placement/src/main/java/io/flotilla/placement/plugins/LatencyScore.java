package io.flotilla.placement.plugins;

import io.flotilla.placement.ClusterState;
import io.flotilla.placement.NetworkLatency;
import io.flotilla.placement.PlacementContext;
import io.flotilla.placement.ScoreColumn;
import io.flotilla.placement.ScorePlugin;
import io.flotilla.placement.SnapshotIndex;
import io.flotilla.policy.DemandPoint;
import io.flotilla.policy.GeoPoint;
import java.util.List;

/**
 * Prefers clusters close to where the policy's demand comes from: the weighted mean round trip from the
 * demand points (measured when the cluster has measured that site, else estimated). Neutral without demand.
 * Prepared, it reads the snapshot index's measured and estimated round-trip columns, bit for bit the same values.
 */
public final class LatencyScore implements ScorePlugin {

    /** The round trip that scores 50; 0 ms scores 100. */
    public static final double HALF_SCORE_MS = 50.0;

    @Override
    public String name() {
        return "latency";
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
    public ScoreColumn prepare(PlacementContext context) {
        List<DemandPoint> demand = context.policy().spec().placement().demand();
        SnapshotIndex index = context.index();
        int n = demand.size();
        double[] weight = new double[n];
        String[] site = new String[n];
        double[][] measured = new double[n][];
        double[][] estimated = new double[n][];
        for (int d = 0; d < n; d++) {
            DemandPoint point = demand.get(d);
            weight[d] = point.weight();
            site[d] = point.site().orElse(null);
            measured[d] = site[d] == null ? null : index.measured(site[d]);
            GeoPoint from = point.location(context.sites()).orElse(null);
            estimated[d] = from == null ? null : index.estimated(from);
        }
        return (c, chosen, chosenCount) -> {
            double sum = 0;
            double weights = 0;
            for (int d = 0; d < n; d++) {
                double ms;
                double m = measured[d] == null ? Double.NaN : measured[d][c];
                if (!Double.isNaN(m)) {
                    ms = m;
                } else if (measured[d] != null && index.clusters().get(c).rttMsBySite().get(site[d]) != null) {
                    ms = index.clusters().get(c).rttMsBySite().get(site[d]); // a measured NaN
                } else if (estimated[d] == null) {
                    continue; // as rawScore: an unknown site says nothing
                } else {
                    ms = estimated[d][c];
                }
                sum += weight[d] * ms;
                weights += weight[d];
            }
            return weights == 0 ? 0 : sum / weights;
        };
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

    @Override
    public boolean scoresPerCluster() {
        return true;
    }

    @Override
    public boolean readsCapacity() {
        return false;
    }
}
