package io.flotilla.placement;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** The decisions of one placement run, one per policy, by policy name. */
public record PlacementResult(List<PlacementDecision> decisions) {
    public static final PlacementResult EMPTY = new PlacementResult(List.of());

    public PlacementResult {
        decisions = decisions.stream().sorted(Comparator.comparing(PlacementDecision::policyName)).toList();
    }

    public Optional<PlacementDecision> decision(String policyName) {
        return decisions.stream().filter(d -> d.policyName().equals(policyName)).findFirst();
    }
}
