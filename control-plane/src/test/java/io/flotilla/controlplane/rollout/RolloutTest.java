package io.flotilla.controlplane.rollout;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.flotilla.controlplane.ApiFixtures;
import io.flotilla.controlplane.MqttTestClient;
import io.flotilla.controlplane.TestAgents;
import io.flotilla.proto.EnvelopeCodec;
import io.flotilla.proto.Topics;
import io.flotilla.proto.v1.ClusterStatus;
import io.flotilla.proto.v1.WorkloadCondition;
import io.flotilla.proto.v1.WorkloadStatus;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** A policy change reaches its clusters in waves; the test plays the agents' status reports. */
@QuarkusTest
class RolloutTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final List<String> CLUSTERS = List.of("w-ams", "w-ber", "w-fra", "w-par");

    @ConfigProperty(name = "flotilla.broker.port")
    int brokerPort;

    @Test
    void rolloutPausesItselfOnFailuresAndResumesWaveByWave() throws Exception {
        ApiFixtures.cluster("w-ams", "NL", 52.37, 4.90, "w");
        ApiFixtures.cluster("w-ber", "DE", 52.52, 13.40, "w");
        ApiFixtures.cluster("w-fra", "DE", 50.11, 8.68, "w");
        ApiFixtures.cluster("w-par", "FR", 48.86, 2.35, "w");
        try (MqttTestClient agents = new MqttTestClient(brokerPort)) {
            ApiFixtures.apply(policy("v0.8.5"), false).statusCode(200).body("results[0].action", equalTo("created"));
            for (String c : CLUSTERS) {
                given().get("/api/v1/clusters/" + c).then().body("desiredGeneration", equalTo(1));
                report(agents, c, 1, WorkloadCondition.WORKLOAD_CONDITION_AVAILABLE);
            }
            given().get("/api/v1/policies/chat-w/rollout").then().statusCode(404);

            ApiFixtures.apply(policy("v0.9.0"), false).statusCode(200).body("results[0].action", equalTo("updated"));
            given().get("/api/v1/policies/chat-w/rollout").then().statusCode(200)
                    .body("state", equalTo("RUNNING")).body("revision", equalTo(2)).body("fromRevision", equalTo(1))
                    .body("clusters", equalTo(4))
                    .body("waves[0].clusters.clusterId", equalTo(List.of("w-ams", "w-ber")))
                    .body("waves[1].clusters.clusterId", equalTo(List.of("w-fra", "w-par")))
                    .body("waves[1].state", equalTo("PENDING"));
            given().get("/api/v1/clusters/w-ams").then().body("desiredGeneration", equalTo(2));
            given().get("/api/v1/clusters/w-fra").then().body("desiredGeneration", equalTo(1))
                    .body("workloads[0].desired.image", equalTo("vllm/vllm-openai:v0.8.5"));

            // the first wave applies it: one cluster fine, one degraded, and maxUnavailable is 0
            report(agents, "w-ams", 2, WorkloadCondition.WORKLOAD_CONDITION_AVAILABLE);
            report(agents, "w-ber", 2, WorkloadCondition.WORKLOAD_CONDITION_DEGRADED);
            await().atMost(WAIT).untilAsserted(() -> given().get("/api/v1/policies/chat-w/rollout").then()
                    .body("state", equalTo("PAUSED")).body("reason", containsString("[w-ber]"))
                    .body("failed", equalTo(1)).body("waves[0].state", equalTo("FAILED")));
            given().get("/api/v1/clusters/w-fra").then().body("desiredGeneration", equalTo(1));

            // fixed on site, then resumed: the second wave gets the change
            report(agents, "w-ber", 2, WorkloadCondition.WORKLOAD_CONDITION_AVAILABLE);
            given().post("/api/v1/policies/chat-w/rollout/resume").then().statusCode(200).body("state", equalTo("RUNNING"));
            await().atMost(WAIT).untilAsserted(() -> given().get("/api/v1/clusters/w-fra").then()
                    .body("desiredGeneration", equalTo(2)).body("workloads[0].desired.image", equalTo("vllm/vllm-openai:v0.9.0")));
            given().get("/api/v1/policies/chat-w/rollout").then().body("waves[1].state", equalTo("PROGRESSING"))
                    .body("progressPercent", equalTo(50));
            report(agents, "w-fra", 2, WorkloadCondition.WORKLOAD_CONDITION_AVAILABLE);
            report(agents, "w-par", 2, WorkloadCondition.WORKLOAD_CONDITION_AVAILABLE);
            await().atMost(WAIT).untilAsserted(() -> given().get("/api/v1/policies/chat-w/rollout").then()
                    .body("state", equalTo("DONE")).body("progressPercent", equalTo(100)));

            // undo: revision 1's content comes back as revision 3, again wave by wave; pause holds it
            given().post("/api/v1/policies/chat-w/rollout/undo").then().statusCode(200)
                    .body("results[0].revision", equalTo(3)).body("results[0].action", equalTo("updated"));
            given().post("/api/v1/policies/chat-w/rollout/pause").then().statusCode(200)
                    .body("state", equalTo("PAUSED")).body("reason", equalTo("paused by request"));
            given().get("/api/v1/clusters/w-ams").then().body("desiredGeneration", equalTo(3))
                    .body("workloads[0].desired.image", equalTo("vllm/vllm-openai:v0.8.5"));
            report(agents, "w-ams", 3, WorkloadCondition.WORKLOAD_CONDITION_AVAILABLE);
            report(agents, "w-ber", 3, WorkloadCondition.WORKLOAD_CONDITION_AVAILABLE);
            await().atMost(WAIT).untilAsserted(() -> given().get("/api/v1/policies/chat-w/rollout").then()
                    .body("waves[0].state", equalTo("DONE")));
            given().get("/api/v1/clusters/w-par").then().body("desiredGeneration", equalTo(2));
        }
    }

    private static void report(MqttTestClient agents, String cluster, long generation, WorkloadCondition condition)
            throws Exception {
        EnvelopeCodec codec = TestAgents.of(cluster).codec();
        agents.publish(Topics.status(cluster), codec.encode(cluster, ClusterStatus.newBuilder().setClusterId(cluster)
                .setAppliedGeneration(generation)
                .addWorkloads(WorkloadStatus.newBuilder().setName("chat-w").setCondition(condition)
                        .setReadyReplicas(1).setDesiredReplicas(1))
                .build()), false);
        await().atMost(WAIT).untilAsserted(() -> given().get("/api/v1/clusters/" + cluster).then()
                .body("appliedGeneration", equalTo((int) generation))
                .body("workloads[0].status.condition", equalTo(switch (condition) {
                    case WORKLOAD_CONDITION_AVAILABLE -> "Available";
                    case WORKLOAD_CONDITION_DEGRADED -> "Degraded";
                    default -> "Progressing";
                })));
    }

    private static String policy(String version) {
        return """
                apiVersion: flotilla.io/v1alpha1
                kind: FleetPolicy
                metadata:
                  name: chat-w
                spec:
                  workload:
                    model: meta-llama/Llama-3.1-8B-Instruct
                    image: vllm/vllm-openai:%s
                    resources: { gpu: 1, gpuMemoryGiB: 24, cpu: "4", memory: 16Gi }
                  placement:
                    clusterSelector: { matchLabels: { suite: w } }
                    jurisdictions: [EU]
                    minClusters: 4
                    maxClusters: 4
                  rollout:
                    waveSize: 50%%
                    maxUnavailable: 0
                    pauseOnFailure: true
                """.formatted(version);
    }
}
