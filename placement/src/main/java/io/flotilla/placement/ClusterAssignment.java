package io.flotilla.placement;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A chosen cluster.
 *
 * @param score the weighted total, 0..100
 * @param breakdown each score plugin's normalised score (0..100), in registry order
 */
public record ClusterAssignment(String clusterId, int replicas, double score, Map<String, Double> breakdown, Reservation reservation) {
    public ClusterAssignment {
        Objects.requireNonNull(clusterId, "clusterId");
        Objects.requireNonNull(reservation, "reservation");
        breakdown = Collections.unmodifiableMap(new LinkedHashMap<>(breakdown));
    }
}
