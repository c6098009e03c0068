package io.flotilla.controlplane.fleet;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import java.util.List;

/** What a cluster offers to placement, as given at registration. */
public record ClusterCapacity(
        List<@NotNull(message = "capacity.gpus must not hold null") @Valid Gpu> gpus,
        @Pattern(regexp = "^([0-9]+(\\.[0-9]+)?m?)?$", message = "capacity.cpu must be a CPU quantity such as 32 or 500m") String cpu,
        @Pattern(regexp = "^([0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|k|M|G|T)?)?$", message = "capacity.memory must be a memory quantity such as 128Gi") String memory) {

    public static final ClusterCapacity NONE = new ClusterCapacity(List.of(), "0", "0");

    /** The GPUs of one model and memory size. */
    public record Gpu(
            @NotBlank(message = "capacity.gpus[].model is required") String model,
            @PositiveOrZero(message = "capacity.gpus[].count must be >= 0") int count,
            @PositiveOrZero(message = "capacity.gpus[].memoryGiB must be >= 0") int memoryGiB) {
    }

    public ClusterCapacity withDefaults() {
        return new ClusterCapacity(gpus == null ? List.of() : List.copyOf(gpus),
                cpu == null || cpu.isBlank() ? "0" : cpu, memory == null || memory.isBlank() ? "0" : memory);
    }
}
