package io.flotilla.simulator;

import static io.flotilla.agent.Fixtures.desired;
import static io.flotilla.agent.Fixtures.workload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.flotilla.agent.reconcile.ClusterReconciler;
import io.flotilla.agent.reconcile.ManagedLabels;
import io.flotilla.agent.reconcile.ObjectRef;
import io.flotilla.agent.reconcile.ReconcileResult;
import io.flotilla.agent.reconcile.ReconcileTarget;
import io.flotilla.agent.reconcile.ResourceApplier;
import io.flotilla.proto.v1.DesiredState;
import io.flotilla.proto.v1.WorkloadCondition;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The light simulated cluster API, driven by a real fabric8 client and the agent's real reconcile code. */
class LightClusterApiTest {

    private static final ReconcileTarget EDGE_1 = new ReconcileTarget("edge-1", "flotilla-edge-1");
    private static final ReconcileTarget EDGE_2 = new ReconcileTarget("edge-2", "flotilla-edge-2");

    private KubernetesMockServer server;
    private KubernetesClient client;
    private final List<String> rolledOut = new ArrayList<>();

    @BeforeEach
    void start() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new LightClusterApi(),
                false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient();
    }

    @AfterEach
    void stop() {
        client.close();
        server.destroy();
    }

    @Test
    void serverSideApplyCreatesThenChangesTheObjectsAndKeepsTheirStatus() {
        ClusterReconciler reconciler = new ClusterReconciler(client, EDGE_1);

        ReconcileResult created = reconciler.reconcile(desired(1, workload("chat")));

        assertThat(created.errors()).isEmpty();
        assertThat(created.outcomes()).containsEntry(ResourceApplier.Outcome.CREATED, 3);
        assertThat(client.namespaces().withName(EDGE_1.namespace()).get().getMetadata().getLabels())
                .containsEntry(ManagedLabels.CLUSTER, "edge-1");
        assertThat(client.services().inNamespace(EDGE_1.namespace()).withName("chat").get().getSpec().getPorts())
                .singleElement().satisfies(port -> assertThat(port.getPort()).isEqualTo(8000));
        Deployment first = deployment(EDGE_1, "chat");
        assertThat(image(first)).isEqualTo("vllm/vllm-openai:v0.8.5");
        assertThat(first.getMetadata().getUid()).isNotBlank();
        assertThat(first.getMetadata().getCreationTimestamp()).isNotBlank();
        assertThat(first.getMetadata().getGeneration()).isEqualTo(1);
        kubelet().tick();

        DesiredState newImage = desired(2, workload("chat").setImage("vllm/vllm-openai:v0.9.0"));
        ReconcileResult changed = reconciler.reconcile(newImage);

        assertThat(changed.errors()).isEmpty();
        assertThat(changed.outcomes()).containsEntry(ResourceApplier.Outcome.PATCHED, 2)
                .containsEntry(ResourceApplier.Outcome.NOOP, 1);
        Deployment second = deployment(EDGE_1, "chat");
        assertThat(image(second)).isEqualTo("vllm/vllm-openai:v0.9.0");
        assertThat(second.getMetadata().getLabels()).containsEntry(ManagedLabels.GENERATION, "2");
        assertThat(Long.parseLong(second.getMetadata().getResourceVersion()))
                .isGreaterThan(Long.parseLong(first.getMetadata().getResourceVersion()));
        assertThat(second.getMetadata().getGeneration()).isEqualTo(2);
        assertThat(second.getMetadata().getUid()).isEqualTo(first.getMetadata().getUid());
        assertThat(second.getStatus().getAvailableReplicas()).as("status kept by the apply").isEqualTo(1);

        ReconcileResult again = reconciler.reconcile(newImage);

        assertThat(again.outcomes()).containsOnlyKeys(ResourceApplier.Outcome.NOOP);
        assertThat(deployment(EDGE_1, "chat").getMetadata().getResourceVersion())
                .isEqualTo(second.getMetadata().getResourceVersion());
    }

    @Test
    void listsByLabelSelectorOnlyTheNamespaceAsked() {
        new ClusterReconciler(client, EDGE_1).reconcile(desired(1, workload("chat"), workload("embed")));
        new ClusterReconciler(client, EDGE_2).reconcile(desired(1, workload("chat")));
        client.apps().deployments().inNamespace(EDGE_1.namespace()).resource(new DeploymentBuilder()
                .withNewMetadata().withName("hand-made").addToLabels("app", "hand-made").endMetadata()
                .withNewSpec().withReplicas(1).endSpec().build()).create();

        assertThat(new ResourceApplier(client, EDGE_1.namespace()).listManaged())
                .extracting(ref -> ref.kind() + " " + ref.name())
                .containsExactly("DEPLOYMENT chat", "DEPLOYMENT embed", "SERVICE chat", "SERVICE embed");
        assertThat(new ResourceApplier(client, EDGE_2.namespace()).listManaged())
                .extracting(ref -> ref.kind() + " " + ref.name())
                .containsExactly("DEPLOYMENT chat", "SERVICE chat");
        assertThat(client.apps().deployments().inAnyNamespace()
                .withLabel(ManagedLabels.MANAGED_BY, ManagedLabels.MANAGED_BY_VALUE)
                .withLabel(ManagedLabels.WORKLOAD, "chat").list().getItems())
                .extracting(d -> d.getMetadata().getNamespace())
                .containsExactly(EDGE_1.namespace(), EDGE_2.namespace());
        assertThat(client.apps().deployments().inNamespace(EDGE_1.namespace()).withLabel(ManagedLabels.WORKLOAD)
                .list().getItems()).extracting(d -> d.getMetadata().getName()).containsExactly("chat", "embed");
        assertThat(client.apps().deployments().inNamespace(EDGE_1.namespace()).withoutLabel(ManagedLabels.WORKLOAD)
                .list().getItems()).extracting(d -> d.getMetadata().getName()).containsExactly("hand-made");
    }

    @Test
    void deleteRemovesAndAMissingObjectReadsAsNull() {
        ClusterReconciler reconciler = new ClusterReconciler(client, EDGE_1);
        reconciler.reconcile(desired(1, workload("chat")));
        Deployment chat = deployment(EDGE_1, "chat");

        ReconcileResult pruned = reconciler.reconcile(desired(2));

        assertThat(pruned.outcomes()).containsEntry(ResourceApplier.Outcome.DELETED, 2);
        assertThat(deployment(EDGE_1, "chat")).isNull();
        assertThat(client.services().inNamespace(EDGE_1.namespace()).withName("chat").get()).isNull();
        assertThat(client.resource(chat).delete()).as("a second delete finds nothing").isEmpty();
        assertThat(new ResourceApplier(client, EDGE_1.namespace())
                .delete(new ObjectRef(ObjectRef.Kind.DEPLOYMENT, "chat", "chat")))
                .isEqualTo(ResourceApplier.Outcome.NOOP);
        assertThat(deployment(EDGE_2, "chat")).as("a namespace nothing was written to").isNull();
    }

    @Test
    void simulatedKubeletMarksADeploymentAvailable() {
        ClusterReconciler reconciler = new ClusterReconciler(client, EDGE_1);
        DesiredState desired = desired(1, workload("chat").setReplicas(2));
        reconciler.reconcile(desired);
        SimulatedKubelet kubelet = kubelet();

        kubelet.tick();

        assertThat(rolledOut).containsExactly(EDGE_1.namespace());
        Deployment chat = deployment(EDGE_1, "chat");
        assertThat(chat.getStatus().getObservedGeneration()).isEqualTo(1);
        assertThat(chat.getStatus().getReadyReplicas()).isEqualTo(2);
        assertThat(chat.getStatus().getConditions()).anySatisfy(c -> {
            assertThat(c.getType()).isEqualTo("Available");
            assertThat(c.getStatus()).isEqualTo("True");
        });
        assertThat(chat.getMetadata().getGeneration()).as("a status write is no change of spec").isEqualTo(1);
        assertThat(reconciler.observe(desired)).singleElement()
                .satisfies(w -> assertThat(w.getCondition()).isEqualTo(WorkloadCondition.WORKLOAD_CONDITION_AVAILABLE));
        kubelet.tick();
        assertThat(kubelet.ready()).isEqualTo(1);
        assertThat(kubelet.total()).isEqualTo(1);
        assertThat(rolledOut).hasSize(1);
    }

    @Test
    void refusesWhatItDoesNotSimulateWithAStatus() throws Exception {
        new ClusterReconciler(client, EDGE_1).reconcile(desired(1, workload("chat")));
        Deployment chat = deployment(EDGE_1, "chat");

        assertThatThrownBy(() -> client.resource(chat).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));
        assertThatThrownBy(() -> client.apps().deployments().inNamespace(EDGE_1.namespace()).withName("chat")
                .patch(PatchContext.of(PatchType.STRATEGIC_MERGE), "{\"spec\":{\"replicas\":3}}"))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(415));
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> watch = http.send(HttpRequest.newBuilder(URI.create(
                    server.url("/apis/apps/v1/namespaces/" + EDGE_1.namespace() + "/deployments?watch=true"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(watch.statusCode()).isEqualTo(501);
            assertThat(watch.body()).contains("\"kind\":\"Status\"", "--cluster-api crud");
        }
    }

    private SimulatedKubelet kubelet() {
        return new SimulatedKubelet(client, Duration.ZERO, rolledOut::add, Clock.systemUTC());
    }

    private Deployment deployment(ReconcileTarget target, String name) {
        return client.apps().deployments().inNamespace(target.namespace()).withName(name).get();
    }

    private static String image(Deployment deployment) {
        return deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    }
}
