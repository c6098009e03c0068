package io.flotilla.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.flotilla.proto.SigningKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * A new cluster joins as an operator would add it: an admin enrolls it through the API and its agent is given only
 * the cluster id, the control plane's URL and the bootstrap token. The agent enrolls, receives the embedded broker's
 * TLS listener and CA, converges over {@code ssl://}, and its reports (signed with its enrolled key) are accepted.
 * The spent token is refused when replayed, and the audit log keeps the refusal.
 */
@Execution(ExecutionMode.CONCURRENT)
class EnrolledAgentOverTlsIT {

    private static final String CLUSTER = "tls-e2e";
    private static final Duration CONVERGE = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void agentEnrolledWithOnlyABootstrapTokenConvergesOverTlsAndTheTokenCannotBeReplayed() throws Exception {
        Path workDir = ManagedProcess.freshWorkDir("enrolled-tls");
        int mqttPort = ManagedProcess.freePort();
        int tlsPort = ManagedProcess.freePort();
        try (MockKubernetes kube = new MockKubernetes(workDir);
                ControlPlaneProcess cp = ControlPlaneProcess.withEmbeddedBroker(workDir, mqttPort,
                        List.of("-Dflotilla.broker.tls.port=" + tlsPort))) {
            String token = cp.enroll(CLUSTER, "DE", "frankfurt");
            Path stateDir = AgentProcess.stateDir(workDir, CLUSTER);
            try (ManagedProcess agent = AgentProcess.start(workDir, CLUSTER, cp.url(), token, kube.kubeconfig())) {
                // 1. enrolled: the identity names the TLS listener and pins the broker's CA, in an owner-only file
                Path identityFile = stateDir.resolve("identity.json");
                AgentProcess.awaitEnrolled(agent, stateDir);
                JsonNode identity = JSON.readTree(identityFile.toFile());
                assertThat(identity.get("clusterId").asText()).isEqualTo(CLUSTER);
                assertThat(identity.get("brokerUrl").asText()).isEqualTo("ssl://localhost:" + tlsPort);
                assertThat(identity.get("brokerCaCertificate").asText()).startsWith("-----BEGIN CERTIFICATE-----");
                assertThat(identity.get("clientId").asText()).isEqualTo("flotilla-agent-" + CLUSTER);
                assertThat(identity.get("controlPlaneKeys")).extracting(JsonNode::asText).containsExactly(cp.publicKey());
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(identityFile))).isEqualTo("rw-------");
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(stateDir))).isEqualTo("rwx------");
                assertThat(cp.get("/api/v1/enrollments").body()).anySatisfy(e -> {
                    assertThat(e.get("clusterId").asText()).isEqualTo(CLUSTER);
                    assertThat(e.get("state").asText()).isEqualTo("enrolled");
                });

                // 2. converges over ssl://: a workload becomes a Deployment, the control plane sees the applied
                //    generation (a status report signed with the enrolled key) and the agent's telemetry
                KubernetesClient k8s = kube.client();
                assertThat(cp.put("/api/v1/clusters/" + CLUSTER + "/workloads/chat",
                        WalkingSkeletonScenario.workload("vllm/vllm-openai:v0.8.5", 1, 1)).status()).isEqualTo(200);
                await("deployment created").atMost(CONVERGE).untilAsserted(() -> {
                    Deployment d = k8s.apps().deployments().inNamespace(WalkingSkeletonScenario.NAMESPACE).withName("chat").get();
                    assertThat(d).as("Deployment chat; agent log:\n%s", agent.logTail()).isNotNull();
                    assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                            .isEqualTo("vllm/vllm-openai:v0.8.5");
                });
                await("control plane sees generation 1").atMost(CONVERGE).untilAsserted(() -> {
                    JsonNode cluster = cp.get("/api/v1/clusters/" + CLUSTER).body();
                    assertThat(cluster.get("appliedGeneration").asLong()).as("applied generation; cluster %s", cluster)
                            .isEqualTo(1);
                    assertThat(cluster.get("desiredGeneration").asLong()).isEqualTo(1);
                    assertThat(cluster.get("applyError").isNull()).as("apply error").isTrue();
                });
                await("telemetry received").atMost(CONVERGE).untilAsserted(() -> {
                    var telemetry = cp.get("/api/v1/clusters/" + CLUSTER + "/telemetry");
                    assertThat(telemetry.status()).as("telemetry; agent log:\n%s", agent.logTail()).isEqualTo(200);
                    assertThat(telemetry.body().get("cpu").get("capacityCores").asDouble()).isPositive();
                });
                assertThat(agent.isAlive()).as("agent still running").isTrue();
            }

            // 3. the spent token, replayed with another key, is refused and the refusal is audited
            String freshKey = SigningKey.generate(new SecureRandom()).verificationKey().toBase64();
            ControlPlaneProcess.Response replay = cp.postAnonymous("/api/v1/enrollments/exchange", """
                    {"clusterId": "%s", "bootstrapToken": "%s", "publicKey": "%s"}""".formatted(CLUSTER, token, freshKey));
            assertThat(replay.status()).as("replayed exchange: %s", replay.body()).isEqualTo(401);
            assertThat(replay.body().get("status").asInt()).isEqualTo(401);
            assertThat(replay.body().get("error").asText()).contains("already used");
            assertThat(replay.body().toString()).doesNotContain(token);

            await("refused exchange audited").atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                var audit = cp.get("/api/v1/audit?target=clusters/" + CLUSTER + "/enrollment");
                assertThat(audit.status()).isEqualTo(200);
                List<JsonNode> exchanges = StreamSupport.stream(audit.body().get("items").spliterator(), false)
                        .filter(i -> i.get("method").asText().equals("POST")
                                && i.get("path").asText().equals("/api/v1/enrollments/exchange"))
                        .toList();
                // newest first: the replay refused, the agent's exchange accepted
                assertThat(exchanges).as("audit %s", audit.body()).extracting(i -> i.get("status").asInt())
                        .containsExactly(401, 200);
                assertThat(exchanges.get(0).get("actor").asText()).isEqualTo("anonymous");
            });
        }
    }
}
