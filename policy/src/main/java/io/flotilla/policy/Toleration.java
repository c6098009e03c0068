package io.flotilla.policy;

import java.util.Objects;
import java.util.Optional;

/** Lets the workload run on clusters with a matching taint, with Kubernetes semantics. */
public record Toleration(Optional<String> key, TolerationOperator operator, Optional<String> value, Optional<TaintEffect> effect) {
    public Toleration {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(operator, "operator");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(effect, "effect");
    }

    /** Whether this toleration covers a taint with this key, value and effect. */
    public boolean tolerates(String taintKey, String taintValue, TaintEffect taintEffect) {
        if (effect.isPresent() && effect.get() != taintEffect) {
            return false;
        }
        if (key.isEmpty()) {
            return operator == TolerationOperator.EXISTS;
        }
        if (!key.get().equals(taintKey)) {
            return false;
        }
        return operator == TolerationOperator.EXISTS || value.orElse("").equals(taintValue == null ? "" : taintValue);
    }
}
