package io.flotilla.policy;

import java.util.Objects;
import java.util.Optional;

/**
 * One environment variable of the model server: a plain {@code value}, or a {@code secretKeyRef} to a Secret
 * that the edge cluster's operator created in the workload's namespace. Exactly one of the two is set in a
 * valid policy; with a reference, only the reference leaves the policy file, never the secret's value.
 */
public record EnvVar(String name, Optional<String> value, Optional<SecretKeyRef> secretKeyRef) {
    public EnvVar {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(secretKeyRef, "secretKeyRef");
    }

    public static EnvVar plain(String name, String value) {
        return new EnvVar(name, Optional.of(value), Optional.empty());
    }

    public static EnvVar fromSecret(String name, String secret, String key) {
        return new EnvVar(name, Optional.empty(), Optional.of(new SecretKeyRef(secret, key)));
    }
}
