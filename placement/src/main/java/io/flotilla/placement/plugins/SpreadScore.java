package io.flotilla.placement.plugins;

import io.flotilla.placement.ClusterState;
import io.flotilla.placement.PlacementContext;
import io.flotilla.placement.ScoreColumn;
import io.flotilla.placement.ScorePlugin;
import java.util.Optional;

/**
 * Spreads the chosen clusters over the values of the policy's spreadBy label: 100 for a value no chosen
 * cluster has yet, 50 for one that one chosen cluster has, and so on. A cluster without the label counts as
 * its own value "". Neutral when the policy has no spreadBy. Prepared, it reads the label's column.
 */
public final class SpreadScore implements ScorePlugin {
    @Override
    public String name() {
        return "spread";
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
    public ScoreColumn prepare(PlacementContext context) {
        Optional<String> key = context.policy().spec().placement().spreadBy();
        if (key.isEmpty()) {
            return (c, chosen, chosenCount) -> 0;
        }
        String[] values = context.index().labelValues(key.get());
        return (c, chosen, chosenCount) -> {
            int count = 0;
            for (int k = 0; k < chosenCount; k++) {
                if (values[chosen[k]].equals(values[c])) {
                    count++;
                }
            }
            return count;
        };
    }

    @Override
    public double[] normalise(double[] raw) {
        double[] out = new double[raw.length];
        for (int i = 0; i < raw.length; i++) {
            out[i] = 100 / (1 + raw[i]);
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
