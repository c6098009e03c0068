package io.flotilla.controlplane.policy;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

@ConfigMapping(prefix = "flotilla.policy")
public interface PolicyConfig {

    /** Which images the fleet's workloads may use; checked when a policy is applied and when a workload is put. */
    Image image();

    interface Image {
        /**
         * Registries (ghcr.io, registry.example.com:5000) or registries with a path prefix (docker.io/vllm) that
         * images must come from; an image without a registry is on docker.io. Unset allows every registry.
         */
        Optional<List<String>> allowedRegistries();

        /** Whether images must be pinned by digest (repository@sha256:...). */
        @WithDefault("false")
        boolean requireDigest();
    }
}
