package io.flotilla.placement.routing;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Ranked candidates, best first; when there is none, the reason. {@code notes} say what live load and affinity
 * changed in the ranking (a cluster skipped for its queue, a session kept on its cluster), for the explanation.
 */
public record RouteDecision(String alias, List<RouteCandidate> candidates, Optional<String> reason, List<String> notes) {
    public RouteDecision {
        Objects.requireNonNull(alias, "alias");
        candidates = List.copyOf(candidates);
        Objects.requireNonNull(reason, "reason");
        notes = List.copyOf(notes);
    }

    public RouteDecision(String alias, List<RouteCandidate> candidates, Optional<String> reason) {
        this(alias, candidates, reason, List.of());
    }

    static RouteDecision none(String alias, String reason) {
        return new RouteDecision(alias, List.of(), Optional.of(reason));
    }
}
