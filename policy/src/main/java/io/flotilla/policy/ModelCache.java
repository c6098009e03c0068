package io.flotilla.policy;

import java.util.Objects;
import java.util.Optional;

/**
 * A persistent volume for the model server's downloaded weights, one per workload and cluster.
 *
 * @param size capacity of the volume claim
 * @param storageClass the cluster's StorageClass to use; empty means the cluster's default
 * @param mountPath where the model server sees the volume
 */
public record ModelCache(MemoryQuantity size, Optional<String> storageClass, String mountPath) {
    public ModelCache {
        Objects.requireNonNull(size, "size");
        Objects.requireNonNull(storageClass, "storageClass");
        Objects.requireNonNull(mountPath, "mountPath");
    }
}
