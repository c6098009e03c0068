package io.flotilla.controlplane.fleet;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/** A cluster taint with Kubernetes semantics: policies without a matching toleration stay away. */
public record ClusterTaint(
        @NotBlank(message = "taints[].key is required") String key,
        String value,
        @NotNull(message = "taints[].effect is required")
        @Pattern(regexp = "NoSchedule|PreferNoSchedule|NoExecute", message = "taints[].effect must be NoSchedule, PreferNoSchedule or NoExecute") String effect) {
}
