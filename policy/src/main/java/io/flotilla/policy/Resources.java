package io.flotilla.policy;

import java.util.Objects;
import java.util.Optional;

/**
 * What one replica needs.
 *
 * @param gpu number of GPUs per replica, all of one model
 * @param gpuMemoryGiB memory each of those GPUs must have; 0 means any
 * @param gpuModel the GPU model required (for example {@code A100}); empty means any
 */
public record Resources(int gpu, int gpuMemoryGiB, Optional<String> gpuModel, CpuQuantity cpu, MemoryQuantity memory) {
    public Resources {
        Objects.requireNonNull(gpuModel, "gpuModel");
        Objects.requireNonNull(cpu, "cpu");
        Objects.requireNonNull(memory, "memory");
    }
}
