package io.flotilla.controlplane.fleet;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;

/** A cluster's taints, stored as a JSON array of {@link ClusterTaint}. */
public record ClusterTaints(@JsonValue List<ClusterTaint> taints) {

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public ClusterTaints {
        taints = List.copyOf(taints);
    }
}
