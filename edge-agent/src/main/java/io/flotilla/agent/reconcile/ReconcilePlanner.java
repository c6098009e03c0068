package io.flotilla.agent.reconcile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.flotilla.proto.v1.DesiredState;
import io.flotilla.proto.v1.InferenceWorkload;
import io.flotilla.proto.v1.ModelCache;
import io.flotilla.proto.v1.SecretKeyRef;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Decides what must change, from the desired state and the managed objects observed in the
 * cluster. Pure: no client, no clock.
 */
public final class ReconcilePlanner {

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    private ReconcilePlanner() {
    }

    public static ReconcilePlan plan(ReconcileTarget target, DesiredState desired, Collection<ObjectRef> managed) {
        List<HasMetadata> apply = new ArrayList<>();
        Map<String, String> invalid = new LinkedHashMap<>();
        Set<String> desiredNames = new HashSet<>();
        Set<ObjectRef> wanted = new HashSet<>();
        for (InferenceWorkload w : desired.getWorkloadsList()) {
            if (!desiredNames.add(w.getName())) {
                invalid.put(w.getName(), "workload '" + w.getName() + "' appears more than once in generation "
                        + desired.getGeneration());
                continue;
            }
            String problem = problem(w);
            if (problem != null) {
                invalid.put(w.getName(), problem);
                continue;
            }
            if (WorkloadObjects.hasModelCache(w)) {
                // first, so that the claim exists when the Deployment's pods look for it
                apply.add(WorkloadObjects.modelCache(target, w, desired.getGeneration()));
                wanted.add(new ObjectRef(ObjectRef.Kind.PERSISTENT_VOLUME_CLAIM, WorkloadObjects.modelCacheClaimName(w), w.getName()));
            }
            apply.add(WorkloadObjects.deployment(target, w, desired.getGeneration()));
            apply.add(WorkloadObjects.service(target, w, desired.getGeneration()));
            wanted.add(new ObjectRef(ObjectRef.Kind.DEPLOYMENT, w.getName(), w.getName()));
            wanted.add(new ObjectRef(ObjectRef.Kind.SERVICE, w.getName(), w.getName()));
        }
        // an invalid workload keeps whatever runs under its name: it is desired, only not appliable;
        // a valid one loses what it no longer asks for (a model cache it dropped)
        List<ObjectRef> prune = managed.stream()
                .filter(ref -> {
                    String workload = ref.workload() == null ? ref.name() : ref.workload();
                    return !invalid.containsKey(workload)
                            && !wanted.contains(new ObjectRef(ref.kind(), ref.name(), workload));
                })
                .sorted(Comparator.comparing(ObjectRef::kind).thenComparing(ObjectRef::name))
                .toList();
        return new ReconcilePlan(WorkloadObjects.namespace(target), apply, prune, invalid);
    }

    /** Why a workload cannot become Kubernetes objects, or null when it can. */
    static String problem(InferenceWorkload w) {
        if (!DNS_LABEL.matcher(w.getName()).matches()) {
            return "workload name '" + w.getName() + "' is not a DNS-1123 label";
        }
        if (w.getImage().isBlank()) {
            return "workload '" + w.getName() + "' has no image";
        }
        if (w.getReplicas() < 0) {
            return "workload '" + w.getName() + "' asks for " + w.getReplicas() + " replicas";
        }
        if (w.getPort() < 0 || w.getPort() > 65535) {
            return "workload '" + w.getName() + "' has port " + w.getPort() + ", expected 1-65535";
        }
        if (w.getResources().getGpu() < 0) {
            return "workload '" + w.getName() + "' asks for " + w.getResources().getGpu() + " GPUs";
        }
        for (String quantity : List.of(w.getResources().getCpu(), w.getResources().getMemory())) {
            if (!quantity.isEmpty() && !QUANTITY.matcher(quantity).matches()) {
                return "workload '" + w.getName() + "' has resource quantity '" + quantity
                        + "', expected a Kubernetes quantity such as 500m, 4 or 16Gi";
            }
        }
        for (Map.Entry<String, SecretKeyRef> e : new TreeMap<>(w.getSecretEnvMap()).entrySet()) {
            if (w.getEnvMap().containsKey(e.getKey())) {
                return "workload '" + w.getName() + "' sets env variable '" + e.getKey() + "' both as a value and from a Secret";
            }
            if (!DNS_SUBDOMAIN.matcher(e.getValue().getName()).matches()) {
                return "workload '" + w.getName() + "' takes env variable '" + e.getKey() + "' from Secret '"
                        + e.getValue().getName() + "', expected a Secret name";
            }
            if (!SECRET_KEY.matcher(e.getValue().getKey()).matches()) {
                return "workload '" + w.getName() + "' takes env variable '" + e.getKey() + "' from Secret key '"
                        + e.getValue().getKey() + "', expected a key of letters, digits, '-', '_' and '.'";
            }
        }
        if (WorkloadObjects.hasModelCache(w)) {
            ModelCache cache = w.getModelCache();
            if (!QUANTITY.matcher(cache.getSize()).matches()) {
                return "workload '" + w.getName() + "' has model cache size '" + cache.getSize()
                        + "', expected a Kubernetes quantity such as 100Gi";
            }
            if (!cache.getStorageClass().isEmpty() && !DNS_SUBDOMAIN.matcher(cache.getStorageClass()).matches()) {
                return "workload '" + w.getName() + "' has model cache storage class '" + cache.getStorageClass()
                        + "', expected a StorageClass name";
            }
            if (!cache.getMountPath().isEmpty() && !cache.getMountPath().startsWith("/")) {
                return "workload '" + w.getName() + "' has model cache mount path '" + cache.getMountPath()
                        + "', expected an absolute path";
            }
        }
        return null;
    }

    private static final Pattern SECRET_KEY = Pattern.compile("[-._a-zA-Z0-9]{1,253}");

    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");

    private static final Pattern QUANTITY =
            Pattern.compile("[+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+|[numkMGTPE]|[KMGTPE]i)?");
}
