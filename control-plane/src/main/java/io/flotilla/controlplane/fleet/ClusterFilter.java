package io.flotilla.controlplane.fleet;

import java.util.Map;
import java.util.Optional;

/**
 * Which clusters a listing returns: all of the given conditions hold.
 *
 * @param jurisdiction only clusters in this jurisdiction: a country ({@code DE}) with its subdivisions ({@code DE-BY}),
 *        or one subdivision ({@code IN-MH})
 * @param health only clusters in this health, as {@link ClusterHealth#of} judges it
 * @param labels only clusters that carry every one of these labels with these values
 */
public record ClusterFilter(Optional<String> jurisdiction, Optional<ClusterHealth> health, Map<String, String> labels) {

    public ClusterFilter {
        labels = Map.copyOf(labels);
    }
}
