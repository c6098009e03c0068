package io.flotilla.placement;

import java.util.Objects;

/** The GPUs of one model in a cluster: how many there are, how many are free, and each one's memory. */
public record GpuPool(String model, int memoryGiB, int total, int free) {
    public GpuPool {
        Objects.requireNonNull(model, "model");
        if (memoryGiB < 0 || total < 0 || free < 0 || free > total) {
            throw new IllegalArgumentException("GPU pool " + model + ": need 0 <= free <= total, memory >= 0");
        }
    }
}
