package io.flotilla.placement;

import java.util.Optional;

/**
 * Spreads the chosen clusters over the values of the policy's spreadBy label: 100 for a value no chosen
 * cluster has yet, 50 for one that one chosen cluster has, and so on. A cluster without the label counts as
 * its own value "". Neutral when the policy has no spreadBy.
 */
public final class SpreadScore implements ScorePlugin {
    @Override
    public String name() {
        return "spread";
    }

    @Override
    public double weight() {
        return 20;
    }

    @Override
    public boolean dependsOnSelection() {
        return true;
    }

    @Override
    public boolean dependsOnSelection(PlacementContext context) {
        return context.policy().spec().placement().spreadBy().isPresent();
    }

    @Override
    public double rawScore(PlacementContext context, ClusterState cluster) {
        Optional<String> key = context.policy().spec().placement().spreadBy();
        if (key.isEmpty()) {
            return 0;
        }
        String value = cluster.labels().getOrDefault(key.get(), "");
        return context.chosenSoFar().stream().filter(c -> c.labels().getOrDefault(key.get(), "").equals(value)).count();
    }

    @Override
    public double[] normalise(double[] raw) {
        double[] out = new double[raw.length];
        for (int i = 0; i < raw.length; i++) {
            out[i] = 100 / (1 + raw[i]);
        }
        return out;
    }
}
