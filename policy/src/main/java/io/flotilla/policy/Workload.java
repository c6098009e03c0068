package io.flotilla.policy;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** The inference server to run on each chosen cluster. {@code env} is sorted by name. */
public record Workload(
        String model,
        Runtime runtime,
        String image,
        int port,
        List<String> args,
        List<EnvVar> env,
        Resources resources,
        String healthPath,
        Map<String, String> nodeSelector,
        List<Toleration> tolerations,
        Optional<ModelCache> modelCache) {

    public Workload {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(runtime, "runtime");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(resources, "resources");
        Objects.requireNonNull(healthPath, "healthPath");
        args = Collections2.listCopy(args);
        env = env == null ? List.of() : env.stream().sorted(Comparator.comparing(EnvVar::name)).toList();
        nodeSelector = Collections2.sortedCopy(nodeSelector);
        tolerations = Collections2.listCopy(tolerations);
        Objects.requireNonNull(modelCache, "modelCache");
    }
}
