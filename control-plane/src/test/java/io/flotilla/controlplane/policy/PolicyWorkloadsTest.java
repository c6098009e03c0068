package io.flotilla.controlplane.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.controlplane.dispatch.DesiredStateCompiler;
import io.flotilla.controlplane.fleet.WorkloadSpec;
import io.flotilla.policy.FleetPolicy;
import io.flotilla.policy.PolicyParser;
import io.flotilla.proto.v1.InferenceWorkload;
import java.time.Instant;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class PolicyWorkloadsTest {

    private static FleetPolicy policy(String modelCache) {
        return PolicyParser.standard().parse("p.yaml", """
                apiVersion: flotilla.io/v1alpha1
                kind: FleetPolicy
                metadata: { name: chat }
                spec:
                  workload:
                    model: m
                    image: i
                    resources: { gpu: 1, cpu: "1", memory: 1Gi }
                %s
                  placement: { jurisdictions: [EU] }
                """.formatted(modelCache)).policies().get(0);
    }

    private static InferenceWorkload compiled(FleetPolicy policy) {
        var workloads = new TreeMap<String, WorkloadSpec>();
        workloads.put("chat", PolicyWorkloads.specOf(policy, 1));
        return DesiredStateCompiler.compile("edge-1", 7, Instant.EPOCH, workloads).getWorkloads(0);
    }

    @Test
    void modelCacheOfThePolicyReachesTheDesiredStateWithItsDefaults() {
        InferenceWorkload w = compiled(policy("    modelCache: { size: 100Gi, storageClass: local-path }"));

        assertThat(w.hasModelCache()).isTrue();
        assertThat(w.getModelCache().getSize()).isEqualTo("100Gi");
        assertThat(w.getModelCache().getStorageClass()).isEqualTo("local-path");
        assertThat(w.getModelCache().getMountPath()).isEqualTo("/root/.cache/huggingface");
    }

    @Test
    void noModelCacheMeansNoneOnTheWire() {
        assertThat(compiled(policy("")).hasModelCache()).isFalse();
    }
}
