package io.flotilla.controlplane.fleet;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import java.util.List;
import java.util.Map;

/**
 * An inference workload as the API takes it and the database stores it. Defaults are applied by
 * {@link #withDefaults()} so that stored specs are explicit.
 */
public record WorkloadSpec(
        @NotBlank(message = "model is required") String model,
        String runtime,
        @NotBlank(message = "image is required") String image,
        @Min(value = 1, message = "port must be between 1 and 65535") @Max(value = 65535, message = "port must be between 1 and 65535") Integer port,
        List<@NotNull(message = "args must not hold null") String> args,
        Map<String, @NotNull(message = "env values must not be null") String> env,
        @PositiveOrZero(message = "replicas must be >= 0") Integer replicas,
        @Valid Resources resources,
        Map<String, @NotNull(message = "nodeSelector values must not be null") String> nodeSelector,
        List<@NotNull(message = "tolerations must not hold null") @Valid Toleration> tolerations,
        @Pattern(regexp = "/.*", message = "healthPath must start with '/'") String healthPath,
        String policy,
        @Valid ModelCache modelCache,
        Map<String, @Valid SecretKeyRef> secretEnv) {

    public static final String DEFAULT_RUNTIME = "vllm";
    public static final int DEFAULT_PORT = 8000;
    public static final String DEFAULT_HEALTH_PATH = "/health";
    public static final String DEFAULT_MODEL_CACHE_MOUNT_PATH = "/root/.cache/huggingface";

    public record Resources(
            @PositiveOrZero(message = "resources.gpu must be >= 0") Integer gpu,
            @PositiveOrZero(message = "resources.gpuMemoryGiB must be >= 0") Integer gpuMemoryGiB,
            @Pattern(regexp = "^([0-9]+(\\.[0-9]+)?m?)?$", message = "resources.cpu must be a CPU quantity such as 4 or 500m") String cpu,
            @Pattern(regexp = "^([0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|k|M|G|T)?)?$", message = "resources.memory must be a memory quantity such as 16Gi") String memory) {
    }

    /** A persistent volume for model weights; null on the workload means none. */
    public record ModelCache(
            @NotBlank(message = "modelCache.size is required")
            @Pattern(regexp = "^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$", message = "modelCache.size must be a storage quantity such as 100Gi") String size,
            @Pattern(regexp = "^([a-z0-9]([-a-z0-9.]*[a-z0-9])?)?$", message = "modelCache.storageClass must be a StorageClass name") String storageClass,
            @Pattern(regexp = "^(/.*)?$", message = "modelCache.mountPath must be an absolute path") String mountPath) {

        ModelCache withDefaults() {
            return new ModelCache(size, storageClass == null || storageClass.isBlank() ? null : storageClass,
                    mountPath == null || mountPath.isBlank() ? DEFAULT_MODEL_CACHE_MOUNT_PATH : mountPath);
        }
    }

    /**
     * An environment variable's value as a reference to a Secret in the workload's namespace on the edge
     * cluster. The value stays there: it is never stored, shown or sent by the control plane.
     */
    public record SecretKeyRef(
            @NotBlank(message = "secretEnv name is required")
            @Pattern(regexp = "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$", message = "secretEnv name must be a Secret name") String name,
            @NotBlank(message = "secretEnv key is required")
            @Pattern(regexp = "^[-._a-zA-Z0-9]+$", message = "secretEnv key must be a Secret key") String key) {
    }

    public record Toleration(@NotBlank(message = "toleration key is required") String key, String operator, String value, String effect) {
    }

    public WorkloadSpec withDefaults() {
        return new WorkloadSpec(model, runtime == null || runtime.isBlank() ? DEFAULT_RUNTIME : runtime, image,
                port == null ? DEFAULT_PORT : port, args == null ? List.of() : List.copyOf(args),
                env == null ? Map.of() : Map.copyOf(env), replicas == null ? 1 : replicas,
                resources == null ? new Resources(0, 0, null, null) : resources,
                nodeSelector == null ? Map.of() : Map.copyOf(nodeSelector),
                tolerations == null ? List.of() : List.copyOf(tolerations),
                healthPath == null || healthPath.isBlank() ? DEFAULT_HEALTH_PATH : healthPath, policy,
                modelCache == null ? null : modelCache.withDefaults(),
                secretEnv == null ? Map.of() : Map.copyOf(secretEnv));
    }
}
