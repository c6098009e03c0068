package io.flotilla.controlplane.policy;

import io.flotilla.controlplane.fleet.WorkloadSpec;
import io.flotilla.policy.FleetPolicy;
import io.flotilla.policy.Resources;
import io.flotilla.policy.Workload;
import io.flotilla.policy.schema.PolicyEnum;

/** What a policy asks each chosen cluster to run. Pure. */
final class PolicyWorkloads {

    private PolicyWorkloads() {
    }

    /** The workload is named after the policy, and carries the policy's name so the agent can say where it came from. */
    static WorkloadSpec specOf(FleetPolicy policy, int replicas) {
        Workload w = policy.spec().workload();
        Resources r = w.resources();
        return new WorkloadSpec(w.model(), w.runtime().yamlName(), w.image(), w.port(), w.args(), w.env(), replicas,
                new WorkloadSpec.Resources(r.gpu(), r.gpuMemoryGiB(), r.cpu().toString(), r.memory().toString()),
                w.nodeSelector(),
                w.tolerations().stream().map(t -> new WorkloadSpec.Toleration(t.key().orElse(""), t.operator().yamlName(),
                        t.value().orElse(null), t.effect().map(PolicyEnum::yamlName).orElse(null))).toList(),
                w.healthPath(), policy.name(),
                w.modelCache().map(c -> new WorkloadSpec.ModelCache(c.size().toString(), c.storageClass().orElse(null),
                        c.mountPath())).orElse(null)).withDefaults();
    }
}
