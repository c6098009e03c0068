package io.flotilla.policy;

import java.util.Objects;

/**
 * One fleet policy: what to run (workload), where it may and should run (placement), how changes roll out
 * (rollout) and under which model name clients reach it (routing). Built by {@link PolicyParser}; every
 * default is already resolved, so two policies that mean the same are equal.
 */
public record FleetPolicy(String apiVersion, String kind, PolicyMetadata metadata, PolicySpec spec) {

    public static final String API_VERSION = "flotilla.io/v1alpha1";
    public static final String KIND = "FleetPolicy";

    public FleetPolicy {
        Objects.requireNonNull(apiVersion, "apiVersion");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(spec, "spec");
    }

    public String name() {
        return metadata.name();
    }
}
