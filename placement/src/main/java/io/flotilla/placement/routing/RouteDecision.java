package io.flotilla.placement.routing;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Ranked candidates, best first; when there is none, the reason. */
public record RouteDecision(String alias, List<RouteCandidate> candidates, Optional<String> reason) {
    public RouteDecision {
        Objects.requireNonNull(alias, "alias");
        candidates = List.copyOf(candidates);
        Objects.requireNonNull(reason, "reason");
    }

    static RouteDecision none(String alias, String reason) {
        return new RouteDecision(alias, List.of(), Optional.of(reason));
    }
}
