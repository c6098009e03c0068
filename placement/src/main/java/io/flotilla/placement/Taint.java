package io.flotilla.placement;

import io.flotilla.policy.TaintEffect;
import java.util.Objects;

/** A cluster taint: workloads without a matching toleration stay away (NoSchedule, NoExecute). */
public record Taint(String key, String value, TaintEffect effect) {
    public Taint {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(effect, "effect");
        value = value == null ? "" : value;
    }

    @Override
    public String toString() {
        return key + (value.isEmpty() ? "" : "=" + value) + ":" + effect.yamlName();
    }
}
