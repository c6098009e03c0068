package io.flotilla.controlplane.policy;

import io.flotilla.controlplane.fleet.WorkloadSpec;
import io.flotilla.policy.EnvVar;
import io.flotilla.policy.FleetPolicy;
import io.flotilla.policy.Resources;
import io.flotilla.policy.Workload;
import io.flotilla.policy.schema.PolicyEnum;
import java.util.TreeMap;

/** What a policy asks each chosen cluster to run. Pure. */
final class PolicyWorkloads {

    private PolicyWorkloads() {
    }

    /**
     * The workload is named after the policy, and carries the policy's name so the agent can say where it came
     * from. Plain variables go to {@code env}, Secret references to {@code secretEnv}: a reference is all the
     * control plane ever holds of those.
     */
    static WorkloadSpec specOf(FleetPolicy policy, int replicas) {
        Workload w = policy.spec().workload();
        Resources r = w.resources();
        var env = new TreeMap<String, String>();
        var secretEnv = new TreeMap<String, WorkloadSpec.SecretKeyRef>();
        for (EnvVar v : w.env()) {
            v.value().ifPresent(value -> env.put(v.name(), value));
            v.secretKeyRef().ifPresent(ref -> secretEnv.put(v.name(), new WorkloadSpec.SecretKeyRef(ref.name(), ref.key())));
        }
        return new WorkloadSpec(w.model(), w.runtime().yamlName(), w.image(), w.port(), w.args(), env, replicas,
                new WorkloadSpec.Resources(r.gpu(), r.gpuMemoryGiB(), r.cpu().toString(), r.memory().toString()),
                w.nodeSelector(),
                w.tolerations().stream().map(t -> new WorkloadSpec.Toleration(t.key().orElse(""), t.operator().yamlName(),
                        t.value().orElse(null), t.effect().map(PolicyEnum::yamlName).orElse(null))).toList(),
                w.healthPath(), policy.name(),
                w.modelCache().map(c -> new WorkloadSpec.ModelCache(c.size().toString(), c.storageClass().orElse(null),
                        c.mountPath())).orElse(null),
                secretEnv).withDefaults();
    }
}
