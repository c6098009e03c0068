package io.flotilla.placement;

import java.util.List;

/** The plugins a placement run uses, in order. A new constraint is one class and one line here. */
public record PlacementPlugins(List<FilterPlugin> filters, List<ScorePlugin> scores) {

    public PlacementPlugins {
        filters = List.copyOf(filters);
        scores = List.copyOf(scores);
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
}
