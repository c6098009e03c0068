package io.flotilla.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.flotilla.proto.EnvelopeCodec;
import io.flotilla.proto.SigningKey;
import io.flotilla.proto.Topics;
import io.flotilla.proto.v1.DesiredState;
import io.flotilla.proto.v1.InferenceWorkload;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;

/**
 * The walking skeleton, end to end: a workload given to a cluster through the control plane's API
 * becomes a Deployment and a Service in that cluster's Kubernetes API, changes follow, removal
 * prunes, and the control plane sees each applied generation. Run once per broker.
 */
final class WalkingSkeletonScenario {

    static final String NAMESPACE = "flotilla-workloads";
    private static final Duration CONVERGE = Duration.ofSeconds(30);

    private final ControlPlaneProcess cp;
    private final MockKubernetes kube;
    private final int mqttPort;
    private final Path workDir;

    /** {@code mqttPort}: the broker's plain-TCP port, where the forger of step 3 connects. */
    WalkingSkeletonScenario(ControlPlaneProcess cp, MockKubernetes kube, int mqttPort, Path workDir) {
        this.cp = cp;
        this.kube = kube;
        this.mqttPort = mqttPort;
        this.workDir = workDir;
    }

    static String workload(String image, int replicas, int gpus) {
        return """
                {"model": "meta-llama/Llama-3.1-8B-Instruct", "image": "%s", "replicas": %d,
                 "resources": {"gpu": %d, "gpuMemoryGiB": 24, "cpu": "4", "memory": "16Gi"},
                 "args": ["--max-model-len=8192"]}""".formatted(image, replicas, gpus);
    }

    void run(String clusterId) throws Exception {
        KubernetesClient k8s = kube.client();
        assertThat(cp.post("/api/v1/clusters", """
                {"id": "%s", "jurisdiction": "DE", "latitude": 50.11, "longitude": 8.68, "labels": {"tier": "edge"}}
                """.formatted(clusterId)).status()).isEqualTo(201);

        try (ManagedProcess agent = AgentProcess.start(workDir, cp, clusterId, kube.kubeconfig())) {
            // an object the agent does not manage must survive every prune
            k8s.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                    .withNewMetadata().withName(NAMESPACE).endMetadata().build()).createOr(existing -> existing.update());
            k8s.apps().deployments().inNamespace(NAMESPACE).resource(new DeploymentBuilder()
                    .withNewMetadata().withName("hand-made").endMetadata()
                    .withNewSpec().withReplicas(1).endSpec().build()).create();

            // 1. give the cluster a workload
            assertThat(cp.put("/api/v1/clusters/" + clusterId + "/workloads/chat",
                    workload("vllm/vllm-openai:v0.8.5", 2, 1)).status()).isEqualTo(200);
            await("deployment created").atMost(CONVERGE).untilAsserted(() -> {
                Deployment d = k8s.apps().deployments().inNamespace(NAMESPACE).withName("chat").get();
                assertThat(d).as("Deployment chat; agent log:\n%s", agent.logTail()).isNotNull();
                var container = d.getSpec().getTemplate().getSpec().getContainers().get(0);
                assertThat(container.getImage()).isEqualTo("vllm/vllm-openai:v0.8.5");
                assertThat(d.getSpec().getReplicas()).isEqualTo(2);
                assertThat(container.getResources().getLimits()).containsEntry("nvidia.com/gpu", new Quantity("1"));
                assertThat(k8s.services().inNamespace(NAMESPACE).withName("chat").get()).as("Service chat").isNotNull();
            });
            awaitApplied(clusterId, 1);

            // the agent's telemetry (node CPU and memory from /proc) reaches the control plane
            await("telemetry received").atMost(CONVERGE).untilAsserted(() -> {
                var telemetry = cp.get("/api/v1/clusters/" + clusterId + "/telemetry");
                assertThat(telemetry.status()).as("telemetry; agent log:\n%s", agent.logTail()).isEqualTo(200);
                assertThat(telemetry.body().get("cpu").get("capacityCores").asDouble()).isPositive();
                assertThat(telemetry.body().get("memory").get("capacityBytes").asLong()).isPositive();
            });

            // 2. change it
            assertThat(cp.put("/api/v1/clusters/" + clusterId + "/workloads/chat",
                    workload("vllm/vllm-openai:v0.9.0", 1, 2)).status()).isEqualTo(200);
            await("deployment updated").atMost(CONVERGE).untilAsserted(() -> {
                Deployment d = k8s.apps().deployments().inNamespace(NAMESPACE).withName("chat").get();
                var container = d.getSpec().getTemplate().getSpec().getContainers().get(0);
                assertThat(container.getImage()).isEqualTo("vllm/vllm-openai:v0.9.0");
                assertThat(d.getSpec().getReplicas()).isEqualTo(1);
                assertThat(container.getResources().getLimits()).containsEntry("nvidia.com/gpu", new Quantity("2"));
            });
            awaitApplied(clusterId, 2);

            // 3. a forged desired state, retained on the cluster's topic, changes nothing
            publishForged(clusterId);
            await("forged state ignored").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(k8s.apps().deployments().inNamespace(NAMESPACE).withName("chat").get()
                            .getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                            .isEqualTo("vllm/vllm-openai:v0.9.0"));

            // 4. remove it: the agent prunes what it manages and nothing else
            assertThat(cp.delete("/api/v1/clusters/" + clusterId + "/workloads/chat").status()).isEqualTo(200);
            await("deployment pruned").atMost(CONVERGE).untilAsserted(() -> {
                assertThat(k8s.apps().deployments().inNamespace(NAMESPACE).withName("chat").get()).isNull();
                assertThat(k8s.services().inNamespace(NAMESPACE).withName("chat").get()).isNull();
            });
            assertThat(k8s.apps().deployments().inNamespace(NAMESPACE).withName("hand-made").get()).isNotNull();
            awaitApplied(clusterId, 3);
            assertThat(agent.isAlive()).as("agent still running").isTrue();
        }
    }

    private void awaitApplied(String clusterId, long generation) {
        await("control plane sees generation " + generation).atMost(CONVERGE).untilAsserted(() -> {
            var cluster = cp.get("/api/v1/clusters/" + clusterId).body();
            assertThat(cluster.get("appliedGeneration").asLong()).as("applied generation").isEqualTo(generation);
            assertThat(cluster.get("desiredGeneration").asLong()).isEqualTo(generation);
            // converged also needs every workload Available, which the mock API's Deployments never become:
            // applied, with no apply error, is what this scenario can assert
            assertThat(cluster.get("applyError").isNull()).as("apply error").isTrue();
        });
    }

    /**
     * Someone with broker access but without the control plane's key tries to run their own image. The broker refuses
     * anonymous clients and the clusters' users may not publish desired state, so the forger gets the most a leaked
     * broker credential gives: the control plane's own broker user, which may publish anywhere under flotilla/v1/.
     */
    private void publishForged(String clusterId) throws Exception {
        EnvelopeCodec forger = EnvelopeCodec.builder("flotilla/control-plane")
                .signWith(SigningKey.generate(new SecureRandom())).build();
        DesiredState evil = DesiredState.newBuilder().setClusterId(clusterId).setGeneration(1_000)
                .addWorkloads(InferenceWorkload.newBuilder().setName("chat").setImage("evil/miner:latest")
                        .setModel("x").setReplicas(5).setPort(8000))
                .build();
        MqttClient client = new MqttClient("tcp://127.0.0.1:" + mqttPort, "forger", new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setUserName(ControlPlaneProcess.BROKER_USER);
        options.setPassword(cp.brokerPassword().getBytes(StandardCharsets.UTF_8));
        client.connect(options);
        MqttMessage message = new MqttMessage(forger.encode(clusterId, evil));
        message.setQos(1);
        message.setRetained(false);
        client.publish(Topics.desired(clusterId), message);
        client.disconnect();
        client.close();
    }
}
