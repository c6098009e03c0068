package io.flotilla.placement;

import io.flotilla.placement.plugins.CpuMemoryFitFilter;
import io.flotilla.placement.plugins.GpuFitFilter;
import io.flotilla.placement.plugins.HealthFilter;
import io.flotilla.placement.plugins.JurisdictionFilter;
import io.flotilla.placement.plugins.LatencyScore;
import io.flotilla.placement.plugins.LoadScore;
import io.flotilla.placement.plugins.SelectorFilter;
import io.flotilla.placement.plugins.SpreadScore;
import io.flotilla.placement.plugins.SteadinessScore;
import io.flotilla.placement.plugins.TaintFilter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The plugins a placement run uses, in order, and the weight of each score plugin by its name. A new constraint
 * is one class and one line here.
 *
 * @param weights per score plugin name, its relative weight in the total (finite, not negative); every score
 *        plugin has one
 */
public record PlacementPlugins(List<FilterPlugin> filters, List<ScorePlugin> scores, Map<String, Double> weights) {

    /** The standard scores' weights: latency 40, load 20, spread 20, steadiness 20. */
    public static final Map<String, Double> DEFAULT_WEIGHTS = defaults();

    /**
     * @throws IllegalArgumentException when two score plugins share a name, a weight names no score plugin, a
     *         score plugin has no weight, or a weight is negative or not finite
     */
    public PlacementPlugins {
        filters = List.copyOf(filters);
        scores = List.copyOf(scores);
        List<String> names = scores.stream().map(ScorePlugin::name).toList();
        unique("score", names);
        for (var e : weights.entrySet()) {
            if (!names.contains(e.getKey())) {
                throw new IllegalArgumentException("weight given for unknown score plugin '" + e.getKey() + "' (score plugins: "
                        + String.join(", ", names) + ")");
            }
            if (e.getValue() == null || !Double.isFinite(e.getValue()) || e.getValue() < 0) {
                throw new IllegalArgumentException("weight of score plugin '" + e.getKey() + "' must be a finite number >= 0, not "
                        + e.getValue());
            }
        }
        var ordered = new LinkedHashMap<String, Double>();
        for (String name : names) {
            Double w = weights.get(name);
            if (w == null) {
                throw new IllegalArgumentException("no weight for score plugin '" + name + "'");
            }
            ordered.put(name, w);
        }
        weights = Collections.unmodifiableMap(ordered);
    }

    /** The given plugins; a score plugin of the standard names gets its {@link #DEFAULT_WEIGHTS default weight}. */
    public PlacementPlugins(List<FilterPlugin> filters, List<ScorePlugin> scores) {
        this(filters, scores, defaultsFor(scores));
    }

    public static PlacementPlugins standard() {
        return new PlacementPlugins(
                List.of(
                        new JurisdictionFilter(),
                        new HealthFilter(),
                        new SelectorFilter(),
                        new TaintFilter(),
                        new GpuFitFilter(),
                        new CpuMemoryFitFilter()),
                List.of(
                        new LatencyScore(),
                        new LoadScore(),
                        new SpreadScore(),
                        new SteadinessScore()));
    }

    /**
     * The standard plugins with {@code weights} (by score plugin name) instead of the defaults; a score not named
     * keeps its default.
     *
     * @throws IllegalArgumentException for a name that is no standard score plugin, or a negative or infinite weight
     */
    public static PlacementPlugins standard(Map<String, Double> weights) {
        return standard().withWeights(weights);
    }

    /** These plugins with {@code weights} over the current ones (by score plugin name). */
    public PlacementPlugins withWeights(Map<String, Double> weights) {
        var merged = new LinkedHashMap<>(this.weights);
        weights.forEach((name, w) -> {
            if (!merged.containsKey(name)) {
                throw new IllegalArgumentException("weight given for unknown score plugin '" + name + "' (score plugins: "
                        + String.join(", ", merged.keySet()) + ")");
            }
            merged.put(name, w);
        });
        return new PlacementPlugins(filters, scores, merged);
    }

    /** The weight of {@code score}. */
    public double weight(ScorePlugin score) {
        Double w = weights.get(score.name());
        if (w == null) {
            throw new IllegalArgumentException("no score plugin '" + score.name() + "'");
        }
        return w;
    }

    private static Map<String, Double> defaults() {
        var m = new LinkedHashMap<String, Double>();
        m.put("latency", 40.0);
        m.put("load", 20.0);
        m.put("spread", 20.0);
        m.put("steadiness", 20.0);
        return Collections.unmodifiableMap(m);
    }

    private static Map<String, Double> defaultsFor(List<ScorePlugin> scores) {
        var m = new LinkedHashMap<String, Double>();
        for (ScorePlugin s : scores) {
            Double w = DEFAULT_WEIGHTS.get(s.name());
            if (w == null) {
                throw new IllegalArgumentException("no default weight for score plugin '" + s.name()
                        + "': give the weights with new PlacementPlugins(filters, scores, weights)");
            }
            m.put(s.name(), w);
        }
        return m;
    }

    private static void unique(String kind, List<String> names) {
        for (int i = 0; i < names.size(); i++) {
            if (names.indexOf(names.get(i)) != i) {
                throw new IllegalArgumentException("two " + kind + " plugins are named '" + names.get(i) + "'");
            }
        }
    }
}
