package io.flotilla.controlplane.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.controlplane.dispatch.DesiredStateCompiler;
import io.flotilla.controlplane.fleet.WorkloadSpec;
import io.flotilla.policy.FleetPolicy;
import io.flotilla.policy.PolicyParser;
import io.flotilla.proto.v1.InferenceWorkload;
import io.flotilla.proto.v1.SecretKeyRef;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class PolicyWorkloadsTest {

    private static FleetPolicy policy(String workloadLines) {
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
                """.formatted(workloadLines)).policies().get(0);
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

    @Test
    void plainVariablesTravelAsValuesAndSecretReferencesOnlyAsReferences() {
        InferenceWorkload w = compiled(policy("""
                    env:
                      - { name: LOG_LEVEL, value: debug }
                      - { name: HF_TOKEN, secretKeyRef: { name: hf, key: token } }
                """));

        assertThat(w.getEnvMap()).containsExactly(Map.entry("LOG_LEVEL", "debug"));
        assertThat(w.getSecretEnvMap()).containsExactly(
                Map.entry("HF_TOKEN", SecretKeyRef.newBuilder().setName("hf").setKey("token").build()));
    }

    @Test
    void aSpecStoredBeforeSecretReferencesEqualsTheSameSpecNowSoNothingIsRedispatched() throws Exception {
        var json = new ObjectMapper();
        WorkloadSpec now = PolicyWorkloads.specOf(policy("    env: { LOG_LEVEL: debug }"), 1);
        ObjectNode stored = json.valueToTree(now);
        stored.remove("secretEnv");

        assertThat(json.treeToValue(stored, WorkloadSpec.class).withDefaults()).isEqualTo(now);
    }
}
