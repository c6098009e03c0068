package io.flotilla.placement;

import java.util.List;
import java.util.Objects;

/** A cluster left out, with every reason: one per failed filter, or the ranking cut. */
public record ClusterExclusion(String clusterId, List<Reason> reasons) {

    /** @param source the filter's name, or {@code "rank"} for the maxClusters cut */
    public record Reason(String source, String message) {
        @Override
        public String toString() {
            return source + ": " + message;
        }
    }

    public ClusterExclusion {
        Objects.requireNonNull(clusterId, "clusterId");
        reasons = List.copyOf(reasons);
        if (reasons.isEmpty()) {
            throw new IllegalArgumentException("an exclusion needs a reason: " + clusterId);
        }
    }
}
