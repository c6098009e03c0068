package io.flotilla.placement;

/**
 * The capacity a policy holds on one cluster: {@code gpus} GPUs from the pool of {@code gpuModel} with
 * {@code gpuMemoryGiB} each (model empty when no GPU is needed), plus CPU and memory.
 */
public record Reservation(String gpuModel, int gpuMemoryGiB, int gpus, long cpuMillicores, long memoryBytes) {
    public static final Reservation NONE = new Reservation("", 0, 0, 0, 0);
}
