package io.flotilla.agent;

import io.flotilla.proto.EnvelopeCodec;
import io.flotilla.proto.SigningKey;
import io.flotilla.proto.v1.DesiredState;
import io.flotilla.proto.v1.InferenceWorkload;
import io.flotilla.proto.v1.Resources;
import java.security.SecureRandom;

/** Small builders shared by the agent's tests, the fleet simulator's and the end-to-end tests (its test-jar). */
public final class Fixtures {

    /** A kubeconfig that points fabric8's discovery at {@code server} (the mock API server), as a device's would. */
    public static String kubeconfig(Object server) {
        return """
                apiVersion: v1
                kind: Config
                clusters:
                - name: mock
                  cluster:
                    server: %s
                users:
                - name: mock
                  user:
                    token: mock-token
                contexts:
                - name: mock
                  context: {cluster: mock, user: mock, namespace: default}
                current-context: mock
                """.formatted(server);
    }

    public static final String CLUSTER = "edge-1";
    public static final String NAMESPACE = "flotilla-workloads";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Fixtures() {
    }

    public static SigningKey newKey() {
        return SigningKey.generate(RANDOM);
    }

    /** The control plane's side: signs what it encodes. */
    public static EnvelopeCodec controlPlaneCodec(SigningKey key) {
        return EnvelopeCodec.builder("flotilla/control-plane").signWith(key).build();
    }

    /** The agent's side: trusts the control plane's key, signs nothing. */
    public static EnvelopeCodec agentCodec(SigningKey controlPlaneKey) {
        return EnvelopeCodec.builder("flotilla/clusters/" + CLUSTER).trust(controlPlaneKey.verificationKey())
                .requireSignature(true).build();
    }

    /** Reads what the agent sends: its messages are unsigned. */
    public static EnvelopeCodec readerCodec() {
        return EnvelopeCodec.builder("flotilla/control-plane").requireSignature(false).build();
    }

    public static InferenceWorkload.Builder workload(String name) {
        return InferenceWorkload.newBuilder()
                .setName(name)
                .setModel("meta-llama/Llama-3.1-8B-Instruct")
                .setRuntime("vllm")
                .setImage("vllm/vllm-openai:v0.8.5")
                .setPort(8000)
                .setReplicas(1)
                .setPolicy("chat-eu")
                .setResources(Resources.newBuilder().setGpu(1).setGpuMemoryMib(24576).setCpu("4").setMemory("16Gi"));
    }

    public static DesiredState desired(long generation, InferenceWorkload.Builder... workloads) {
        DesiredState.Builder state = DesiredState.newBuilder().setClusterId(CLUSTER).setGeneration(generation);
        for (InferenceWorkload.Builder w : workloads) {
            state.addWorkloads(w);
        }
        return state.build();
    }
}
