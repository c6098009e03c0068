package io.flotilla.agent;

import static io.flotilla.agent.Fixtures.CLUSTER;
import static io.flotilla.agent.Fixtures.NAMESPACE;
import static io.flotilla.agent.Fixtures.desired;
import static io.flotilla.agent.Fixtures.workload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.flotilla.agent.link.Backoff;
import io.flotilla.agent.link.InMemoryControlPlaneLink;
import io.flotilla.agent.link.OutboundMessage;
import io.flotilla.agent.state.DesiredStateStore;
import io.flotilla.agent.state.MaintenancePause;
import io.flotilla.proto.EnvelopeCodec;
import io.flotilla.proto.ProtocolException;
import io.flotilla.proto.SigningKey;
import io.flotilla.proto.Topics;
import io.flotilla.proto.v1.ClusterStatus;
import io.flotilla.proto.v1.DesiredState;
import io.flotilla.proto.v1.WorkloadCondition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@EnableKubernetesMockClient(crud = true)
class EdgeAgentTest {

    KubernetesClient client;

    @TempDir
    Path stateDir;

    private final SigningKey controlPlaneKey = Fixtures.newKey();
    private final EnvelopeCodec controlPlane = Fixtures.controlPlaneCodec(controlPlaneKey);
    private final InMemoryControlPlaneLink link = new InMemoryControlPlaneLink();
    private DesiredStateStore store;
    private EdgeAgent agent;

    @BeforeEach
    void openStore() throws IOException {
        store = DesiredStateStore.open(stateDir);
    }

    @AfterEach
    void stop() {
        if (agent != null) {
            agent.close();
        }
    }

    private EdgeAgent start(EdgeAgent.Settings settings) {
        agent = new EdgeAgent(settings, link, Fixtures.agentCodec(controlPlaneKey), store, client, null,
                Clock.systemUTC());
        agent.start();
        return agent;
    }

    /** Resync far away, so that anything restored within the test was restored by the informers. */
    private static EdgeAgent.Settings settings() {
        return new EdgeAgent.Settings(new io.flotilla.agent.reconcile.ReconcileTarget(CLUSTER, NAMESPACE), "test",
                Duration.ofHours(1), Duration.ofMillis(50), Duration.ofHours(1), 100,
                new Backoff(Duration.ofMillis(50), Duration.ofMillis(500), () -> 0.5), true, java.time.Instant.EPOCH);
    }

    private void send(DesiredState state) {
        link.deliverDesired(controlPlane.encode(CLUSTER, state));
    }

    private Deployment deployment(String name) {
        return client.apps().deployments().inNamespace(NAMESPACE).withName(name).get();
    }

    private String image(String name) {
        return deployment(name).getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    }

    private List<ClusterStatus> statuses() {
        EnvelopeCodec reader = Fixtures.readerCodec();
        return link.published(Topics.status(CLUSTER)).stream().map(m -> {
            try {
                return reader.decode(m.payload(), CLUSTER, ClusterStatus.getDefaultInstance()).payload();
            } catch (ProtocolException e) {
                throw new AssertionError("agent published an unreadable status", e);
            }
        }).toList();
    }

    private ClusterStatus lastStatus() {
        List<ClusterStatus> all = statuses();
        assertThat(all).isNotEmpty();
        return all.get(all.size() - 1);
    }

    @Test
    void appliesSignedDesiredStateThenReportsTheAppliedGeneration() {
        start(settings());
        link.connect();

        send(desired(1, workload("chat").setReplicas(2)));

        await().untilAsserted(() -> assertThat(lastStatus().getAppliedGeneration()).isEqualTo(1));
        assertThat(deployment("chat").getSpec().getReplicas()).isEqualTo(2);
        assertThat(deployment("chat").getSpec().getTemplate().getSpec().getContainers().get(0).getResources()
                .getLimits().get("nvidia.com/gpu").getAmount()).isEqualTo("1");
        ClusterStatus status = lastStatus();
        assertThat(status.getWorkloadsList()).singleElement().satisfies(w -> {
            assertThat(w.getCondition()).isEqualTo(WorkloadCondition.WORKLOAD_CONDITION_PROGRESSING);
            assertThat(w.getDesiredReplicas()).isEqualTo(2);
            assertThat(w.getEndpoint()).isEqualTo("http://chat.flotilla-workloads.svc:8000");
        });
        assertThat(status.getError()).isEmpty();
        assertThat(store.appliedGeneration()).isEqualTo(1);
    }

    @Test
    void forgedOrTamperedDesiredStateIsDroppedAndNothingIsStoredOrApplied() {
        start(settings());
        link.connect();
        EnvelopeCodec forger = Fixtures.controlPlaneCodec(Fixtures.newKey());
        byte[] genuine = controlPlane.encode(CLUSTER, desired(1, workload("chat")));
        byte[] tampered = genuine.clone();
        tampered[tampered.length / 2] ^= 0x01;
        byte[] unsigned = EnvelopeCodec.builder("x").build().encode(CLUSTER, desired(1, workload("chat")));

        link.deliverDesired(forger.encode(CLUSTER, desired(1, workload("chat"))));
        link.deliverDesired(tampered);
        link.deliverDesired(unsigned);
        link.deliverDesired(controlPlane.encode("edge-2",
                DesiredState.newBuilder().setClusterId("edge-2").setGeneration(1).build()));

        assertThat(agent.intake().rejectedTotal()).isEqualTo(4);
        assertThat(agent.intake().rejected(ProtocolException.Reason.UNKNOWN_KEY)).isEqualTo(1);
        assertThat(agent.intake().rejected(ProtocolException.Reason.UNSIGNED)).isEqualTo(1);
        assertThat(agent.intake().rejected(ProtocolException.Reason.WRONG_CLUSTER)).isEqualTo(1);
        assertThat(store.desired()).isEmpty();
        assertThat(stateDir.resolve("desired-state.pb")).doesNotExist();
        // the genuine one still goes through afterwards, and only it is applied
        link.deliverDesired(genuine);
        await().untilAsserted(() -> assertThat(store.appliedGeneration()).isEqualTo(1));
        assertThat(client.apps().deployments().inNamespace(NAMESPACE).list().getItems()).hasSize(1);
    }

    @Test
    void aDesiredStateThatCannotBeStoredIsNotAcknowledgedAndAppliesWhenDeliveredAgain() throws IOException {
        start(settings());
        link.connect();
        byte[] payload = controlPlane.encode(CLUSTER, desired(1, workload("chat")));
        Files.delete(stateDir); // the store's folder is gone: writing fails, as it does out of disk or file descriptors

        assertThatThrownBy(() -> link.deliverDesired(payload)).as("the transport must not acknowledge it")
                .isInstanceOf(UncheckedIOException.class);
        assertThat(store.desired()).isEmpty();

        Files.createDirectories(stateDir);
        link.deliverDesired(payload); // the broker's redelivery
        await().untilAsserted(() -> assertThat(store.appliedGeneration()).isEqualTo(1));
        assertThat(deployment("chat")).isNotNull();
    }

    @Test
    void staleOrDuplicateGenerationIsIgnored() {
        start(settings());
        link.connect();
        send(desired(5, workload("chat").setImage("img:5")));
        await().untilAsserted(() -> assertThat(store.appliedGeneration()).isEqualTo(5));

        send(desired(4, workload("chat").setImage("img:4")));
        send(desired(5, workload("chat").setImage("img:5-again")));

        assertThat(agent.intake().stale()).isEqualTo(2);
        assertThat(store.desired().orElseThrow().getWorkloads(0).getImage()).isEqualTo("img:5");
        send(desired(6, workload("chat").setImage("img:6")));
        await().untilAsserted(() -> assertThat(image("chat")).isEqualTo("img:6"));
        assertThat(statuses()).extracting(ClusterStatus::getAppliedGeneration).doesNotContain(4L);
    }

    @Test
    void updatesImageAndPrunesRemovedWorkloadOnNewerGenerations() {
        start(settings());
        link.connect();
        send(desired(1, workload("chat"), workload("embed")));
        await().untilAsserted(() -> assertThat(deployment("embed")).isNotNull());

        send(desired(2, workload("chat").setImage("vllm/vllm-openai:v0.9.0")));

        await().untilAsserted(() -> {
            assertThat(image("chat")).isEqualTo("vllm/vllm-openai:v0.9.0");
            assertThat(deployment("embed")).isNull();
            assertThat(lastStatus().getAppliedGeneration()).isEqualTo(2);
        });
    }

    @Test
    void startsFromDiskAndReconcilesWithNoBroker() throws IOException {
        store.storeIfNewer(desired(3, workload("chat").setImage("from-disk:1")));
        store = DesiredStateStore.open(stateDir); // as after a restart

        start(settings()); // the link never connects

        await().untilAsserted(() -> assertThat(deployment("chat")).isNotNull());
        assertThat(image("chat")).isEqualTo("from-disk:1");
        await().untilAsserted(() -> assertThat(store.appliedGeneration()).isEqualTo(3));
        assertThat(link.published()).isEmpty();
        assertThat(agent.outbound().buffered()).isEqualTo(1);

        link.connect();

        await().untilAsserted(() -> assertThat(statuses()).hasSize(1));
        assertThat(lastStatus().getAppliedGeneration()).isEqualTo(3);
    }

    @Test
    void restoresManuallyDeletedDeploymentThroughTheInformer() {
        start(settings());
        link.connect();
        send(desired(1, workload("chat")));
        await().untilAsserted(() -> assertThat(deployment("chat")).isNotNull());

        client.apps().deployments().inNamespace(NAMESPACE).withName("chat").delete();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(deployment("chat")).isNotNull());
    }

    @Test
    void restoresHandEditedImageThroughTheInformer() {
        start(settings());
        link.connect();
        send(desired(1, workload("chat")));
        await().untilAsserted(() -> assertThat(deployment("chat")).isNotNull());

        client.apps().deployments().inNamespace(NAMESPACE).withName("chat").edit(d -> {
            d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("someone/else:latest");
            return d;
        });

        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(image("chat")).isEqualTo("vllm/vllm-openai:v0.8.5"));
    }

    @Test
    void periodicResyncRestoresDriftWhenNoEventArrives() {
        start(settings().withWatchManagedObjects(false).withResyncInterval(Duration.ofMillis(200)));
        link.connect();
        send(desired(1, workload("chat")));
        await().untilAsserted(() -> assertThat(deployment("chat")).isNotNull());

        client.apps().deployments().inNamespace(NAMESPACE).withName("chat").delete();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(deployment("chat")).isNotNull());
    }

    @Test
    void statusGoesProgressingThenAvailableThenDegradedAndIsSentOnlyOnChange() {
        start(settings());
        link.connect();
        send(desired(1, workload("chat").setReplicas(2)));
        await().untilAsserted(() -> assertThat(lastStatus().getWorkloads(0).getCondition())
                .isEqualTo(WorkloadCondition.WORKLOAD_CONDITION_PROGRESSING));

        setDeploymentStatus(2, "NewReplicaSetAvailable");
        await().untilAsserted(() -> assertThat(lastStatus().getWorkloads(0).getCondition())
                .isEqualTo(WorkloadCondition.WORKLOAD_CONDITION_AVAILABLE));
        assertThat(lastStatus().getWorkloads(0).getReadyReplicas()).isEqualTo(2);

        setDeploymentStatus(1, "NewReplicaSetAvailable");
        await().untilAsserted(() -> assertThat(lastStatus().getWorkloads(0).getCondition())
                .isEqualTo(WorkloadCondition.WORKLOAD_CONDITION_DEGRADED));
        assertThat(lastStatus().getWorkloads(0).getReason()).isEqualTo("ReplicasUnavailable");

        // nothing changes: a resync and a status refresh must send nothing new
        int sent = statuses().size();
        agent.requestReconcile();
        agent.requestStatusRefresh();
        setDeploymentStatus(1, "NewReplicaSetAvailable");
        send(desired(1, workload("chat").setReplicas(2)));
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(statuses()).hasSize(sent));
        assertThat(statuses()).extracting(s -> s.getWorkloads(0).getCondition() + " " + s.getWorkloads(0).getReason())
                .containsExactly(
                        "WORKLOAD_CONDITION_PROGRESSING RolloutPending",
                        "WORKLOAD_CONDITION_AVAILABLE ReplicasReady",
                        "WORKLOAD_CONDITION_DEGRADED ReplicasUnavailable");
    }

    private void setDeploymentStatus(int ready, String progressingReason) {
        Deployment d = deployment("chat");
        d.setStatus(new DeploymentStatusBuilder()
                .withObservedGeneration(d.getMetadata().getGeneration())
                .withReplicas(2).withUpdatedReplicas(2).withReadyReplicas(ready).withAvailableReplicas(ready)
                .addNewCondition().withType("Progressing").withStatus("True").withReason(progressingReason).endCondition()
                .addNewCondition().withType("Available").withStatus(ready == 2 ? "True" : "False").endCondition()
                .build());
        client.apps().deployments().inNamespace(NAMESPACE).resource(d).updateStatus();
    }

    @Test
    void buffersWhileOfflineDroppingTheOldestAndSendsTheRestInOrderOnReconnect() {
        start(settings().withOutboundCapacity(2));
        for (long generation = 1; generation <= 4; generation++) {
            send(desired(generation, workload("chat").setImage("img:" + generation)));
            long g = generation;
            await().untilAsserted(() -> assertThat(store.appliedGeneration()).isEqualTo(g));
            await().untilAsserted(() -> assertThat(agent.statusReporter().sent()).isEqualTo(g));
        }
        assertThat(agent.outbound().buffered()).isEqualTo(2);
        assertThat(agent.outbound().dropped()).isEqualTo(2);
        assertThat(link.published()).isEmpty();

        link.connect();

        await().untilAsserted(() -> assertThat(statuses()).extracting(ClusterStatus::getAppliedGeneration)
                .containsExactly(3L, 4L));
        assertThat(agent.outbound().buffered()).isZero();
    }

    @Test
    void maintenancePauseHoldsNewDesiredStateReportsPausedAndAppliesItWhenLifted() throws IOException {
        start(settings());
        link.connect();
        send(desired(1, workload("chat").setImage("img:1")));
        await().untilAsserted(() -> assertThat(lastStatus().getAppliedGeneration()).isEqualTo(1));

        Files.createFile(stateDir.resolve(MaintenancePause.FILE_NAME));
        await().untilAsserted(() -> assertThat(lastStatus().getPaused()).isTrue());
        send(desired(2, workload("chat").setImage("img:2"), workload("embed")));
        client.apps().deployments().inNamespace(NAMESPACE).withName("chat").delete();

        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3)).untilAsserted(() -> {
            assertThat(deployment("chat")).isNull();
            assertThat(deployment("embed")).isNull();
            assertThat(lastStatus().getAppliedGeneration()).isEqualTo(1);
            assertThat(lastStatus().getPaused()).isTrue();
        });
        assertThat(store.storedGeneration()).isEqualTo(2);

        Files.delete(stateDir.resolve(MaintenancePause.FILE_NAME));

        await().untilAsserted(() -> {
            assertThat(image("chat")).isEqualTo("img:2");
            assertThat(deployment("embed")).isNotNull();
            assertThat(lastStatus().getAppliedGeneration()).isEqualTo(2);
            assertThat(lastStatus().getPaused()).isFalse();
        });
    }

    @Test
    void resendsTheLastStatusAfterReconnectWhenNothingWasBuffered() {
        start(settings());
        link.connect();
        send(desired(1, workload("chat")));
        await().untilAsserted(() -> assertThat(statuses()).hasSize(1));

        link.disconnect();
        link.connect();

        await().untilAsserted(() -> assertThat(statuses()).hasSize(2));
        assertThat(statuses().get(1).getAppliedGeneration()).isEqualTo(1);
        assertThat(link.published()).extracting(OutboundMessage::retained).containsOnly(false);
    }
}
