package io.flotilla.policy;

import java.util.Objects;

public record PolicySpec(Workload workload, Placement placement, Rollout rollout, Routing routing) {
    public PolicySpec {
        Objects.requireNonNull(workload, "workload");
        Objects.requireNonNull(placement, "placement");
        Objects.requireNonNull(rollout, "rollout");
        Objects.requireNonNull(routing, "routing");
    }
}
