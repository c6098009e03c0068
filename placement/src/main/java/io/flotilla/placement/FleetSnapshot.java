package io.flotilla.placement;

import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** The fleet at one moment: every cluster, ordered by id whatever order they were given in. */
public record FleetSnapshot(Instant takenAt, List<ClusterState> clusters) {

    public FleetSnapshot {
        Objects.requireNonNull(takenAt, "takenAt");
        clusters = clusters.stream().sorted(Comparator.comparing(ClusterState::id)).toList();
        for (int i = 1; i < clusters.size(); i++) {
            if (clusters.get(i).id().equals(clusters.get(i - 1).id())) {
                throw new IllegalArgumentException("duplicate cluster id " + clusters.get(i).id());
            }
        }
    }

    public Optional<ClusterState> cluster(String id) {
        return clusters.stream().filter(c -> c.id().equals(id)).findFirst();
    }

    Map<String, ClusterState> byId() {
        var map = new HashMap<String, ClusterState>();
        clusters.forEach(c -> map.put(c.id(), c));
        return map;
    }
}
