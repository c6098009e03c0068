package io.flotilla.agent;

import static io.flotilla.agent.Fixtures.CLUSTER;
import static io.flotilla.agent.Fixtures.NAMESPACE;
import static io.flotilla.agent.Fixtures.desired;
import static io.flotilla.agent.Fixtures.workload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.flotilla.agent.identity.AgentIdentity;
import io.flotilla.agent.identity.IdentityFile;
import io.flotilla.agent.link.TestBroker;
import io.flotilla.proto.SigningKey;
import io.flotilla.proto.Topics;
import io.flotilla.proto.v1.ClusterStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plain entry point (no Quarkus): configuration, a real broker, fabric8's CRUD mock API server. */
@EnableKubernetesMockClient(crud = true, https = false)
class AgentMainTest {

    KubernetesClient client;

    @TempDir
    Path tmp;

    private final SigningKey controlPlaneKey = Fixtures.newKey();
    private final List<AutoCloseable> toClose = new CopyOnWriteArrayList<>();
    private String kubeconfigBefore;

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
        if (kubeconfigBefore == null) {
            System.clearProperty("kubeconfig");
        } else {
            System.setProperty("kubeconfig", kubeconfigBefore);
        }
    }

    /** fabric8's discovery, as on a device: a kubeconfig naming the mock API server. */
    private void pointKubeconfigAtTheMockServer() throws Exception {
        Path kubeconfig = Files.writeString(tmp.resolve("kubeconfig"), Fixtures.kubeconfig(client.getMasterUrl()));
        kubeconfigBefore = System.getProperty("kubeconfig");
        System.setProperty("kubeconfig", kubeconfig.toString());
    }

    private MqttClient controlPlane(String brokerUrl) throws Exception {
        MqttClient mqtt = new MqttClient(brokerUrl, "control-plane", new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        mqtt.connect(options);
        toClose.add(() -> {
            mqtt.disconnect();
            mqtt.close();
        });
        return mqtt;
    }

    @Test
    void connectsToTheBrokerAndReconcilesSignedDesiredStateIntoTheCluster() throws Exception {
        TestBroker broker = TestBroker.start(tmp.resolve("broker"));
        toClose.add(broker);
        pointKubeconfigAtTheMockServer();
        Path stateDir = tmp.resolve("state");
        AgentIdentity identity = AgentIdentity.unenrolled(CLUSTER, broker.tcpUrl(), controlPlaneKey.verificationKey());
        IdentityFile.write(stateDir, identity);
        MqttClient mqtt = controlPlane(broker.tcpUrl());
        List<ClusterStatus> statuses = new CopyOnWriteArrayList<>();
        // the multi-topic overload: the single-topic one overflows the stack in Paho 1.2.5
        mqtt.subscribe(new MqttSubscription[] {new MqttSubscription(Topics.status(CLUSTER), 1)},
                new IMqttMessageListener[] {(topic, message) -> statuses.add(Fixtures.readerCodec().decodeFrom(
                        message.getPayload(), CLUSTER, ClusterStatus.getDefaultInstance(), identity.publicKey())
                        .payload())});
        MqttMessage state = new MqttMessage(Fixtures.controlPlaneCodec(controlPlaneKey)
                .encode(CLUSTER, desired(3, workload("chat").setReplicas(2), workload("embed"))), 1, true, null);
        mqtt.publish(Topics.desired(CLUSTER), state);

        AgentMain.Running agent = AgentMain.start(Map.of(
                "flotilla.agent.cluster-id", CLUSTER,
                "flotilla.agent.state-dir", stateDir.toString(),
                "flotilla.agent.telemetry.interval", "0s",
                "flotilla.agent.reconnect-initial-delay", "100ms"));
        toClose.add(agent);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(statuses)
                .extracting(ClusterStatus::getAppliedGeneration).contains(3L));
        assertThat(client.apps().deployments().inNamespace(NAMESPACE).withName("chat").get().getSpec().getReplicas())
                .isEqualTo(2);
        assertThat(client.apps().deployments().inNamespace(NAMESPACE).list().getItems())
                .extracting(d -> d.getMetadata().getName()).containsExactlyInAnyOrder("chat", "embed");
        assertThat(client.services().inNamespace(NAMESPACE).withName("embed").get()).isNotNull();
    }

    @Test
    void aMissingClusterIdIsRefusedWithAMessageNamingTheKeyAndItsVariable() {
        assertThatThrownBy(() -> AgentMain.config(Map.of()))
                .isInstanceOf(AgentMain.InvalidConfigurationException.class)
                .hasMessageContaining("flotilla.agent.cluster-id is required")
                .hasMessageContaining("FLOTILLA_AGENT_CLUSTER_ID")
                .hasMessageNotContaining("\n");
    }

    @Test
    void anInvalidClusterIdIsRefusedWithoutEchoingTheBootstrapToken() throws Exception {
        pointKubeconfigAtTheMockServer();

        assertThatThrownBy(() -> AgentMain.start(Map.of(
                "flotilla.agent.cluster-id", "Edge_1",
                "flotilla.agent.state-dir", tmp.resolve("state").toString(),
                "flotilla.agent.control-plane-url", "http://127.0.0.1:9",
                "flotilla.agent.bootstrap-token", "flb_do-not-print")))
                .isInstanceOf(AgentMain.InvalidConfigurationException.class)
                .hasMessageContaining("'Edge_1'")
                .hasMessageNotContaining("flb_do-not-print");
    }

    @Test
    void readsTheModuleDefaultsAndQuarkusStyleDurations() throws Exception {
        AgentConfig config = AgentMain.config(Map.of("flotilla.agent.cluster-id", CLUSTER,
                "flotilla.agent.session-expiry", "2d", "flotilla.agent.telemetry.gpu-source", "nvidia-smi"));

        assertThat(config.resyncInterval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.sessionExpiry()).isEqualTo(Duration.ofDays(2));
        assertThat(config.namespace()).isEqualTo(NAMESPACE);
        assertThat(config.telemetry().gpuSource()).isEqualTo(AgentConfig.GpuSource.NVIDIA_SMI);
        assertThat(config.bootstrapToken()).isEmpty();
    }
}
