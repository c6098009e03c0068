package io.flotilla.controlplane.dispatch;

import com.google.protobuf.Timestamp;
import io.flotilla.controlplane.fleet.WorkloadSpec;
import io.flotilla.proto.v1.DesiredState;
import io.flotilla.proto.v1.InferenceWorkload;
import io.flotilla.proto.v1.ModelCache;
import io.flotilla.proto.v1.Resources;
import io.flotilla.proto.v1.SecretKeyRef;
import io.flotilla.proto.v1.Toleration;
import java.time.Instant;
import java.util.Map;
import java.util.SortedMap;

/** Turns a cluster's workloads into its wire-level desired state. Pure. */
public final class DesiredStateCompiler {

    private DesiredStateCompiler() {
    }

    /** @param workloads by name, sorted so that equal input yields equal bytes */
    public static DesiredState compile(String clusterId, long generation, Instant issuedAt,
            SortedMap<String, WorkloadSpec> workloads) {
        DesiredState.Builder state = DesiredState.newBuilder()
                .setClusterId(clusterId)
                .setGeneration(generation)
                .setIssuedAt(Timestamp.newBuilder().setSeconds(issuedAt.getEpochSecond()).setNanos(issuedAt.getNano()));
        for (Map.Entry<String, WorkloadSpec> entry : workloads.entrySet()) {
            state.addWorkloads(toWire(entry.getKey(), entry.getValue().withDefaults()));
        }
        return state.build();
    }

    static InferenceWorkload toWire(String name, WorkloadSpec spec) {
        WorkloadSpec.Resources r = spec.resources();
        Resources.Builder resources = Resources.newBuilder()
                .setGpu(r.gpu() == null ? 0 : r.gpu())
                .setGpuMemoryMib(r.gpuMemoryGiB() == null ? 0 : r.gpuMemoryGiB() * 1024L)
                .setCpu(r.cpu() == null ? "" : r.cpu())
                .setMemory(r.memory() == null ? "" : r.memory());
        InferenceWorkload.Builder w = InferenceWorkload.newBuilder()
                .setName(name)
                .setModel(spec.model())
                .setRuntime(spec.runtime())
                .setImage(spec.image())
                .setPort(spec.port())
                .addAllArgs(spec.args())
                .putAllEnv(spec.env())
                .setReplicas(spec.replicas())
                .setResources(resources)
                .putAllNodeSelector(spec.nodeSelector())
                .setHealthPath(spec.healthPath());
        if (spec.policy() != null) {
            w.setPolicy(spec.policy());
        }
        if (spec.modelCache() != null) {
            WorkloadSpec.ModelCache cache = spec.modelCache();
            w.setModelCache(ModelCache.newBuilder().setSize(cache.size())
                    .setStorageClass(cache.storageClass() == null ? "" : cache.storageClass())
                    .setMountPath(cache.mountPath() == null ? "" : cache.mountPath()));
        }
        spec.secretEnv().forEach((variable, ref) -> w.putSecretEnv(variable,
                SecretKeyRef.newBuilder().setName(ref.name()).setKey(ref.key()).build()));
        for (WorkloadSpec.Toleration t : spec.tolerations()) {
            w.addTolerations(Toleration.newBuilder().setKey(t.key())
                    .setOperator(t.operator() == null ? "" : t.operator())
                    .setValue(t.value() == null ? "" : t.value())
                    .setEffect(t.effect() == null ? "" : t.effect()));
        }
        return w.build();
    }
}
