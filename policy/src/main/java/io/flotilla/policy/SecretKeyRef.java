package io.flotilla.policy;

import java.util.Objects;

/** One key of a Secret in the workload's namespace on the edge cluster. */
public record SecretKeyRef(String name, String key) {
    public SecretKeyRef {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(key, "key");
    }
}
