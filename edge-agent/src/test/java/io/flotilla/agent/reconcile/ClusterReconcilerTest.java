package io.flotilla.agent.reconcile;

import static io.flotilla.agent.Fixtures.NAMESPACE;
import static io.flotilla.agent.Fixtures.desired;
import static io.flotilla.agent.Fixtures.workload;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.flotilla.proto.v1.ModelCache;
import io.flotilla.proto.v1.WorkloadCondition;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class ClusterReconcilerTest {

    KubernetesClient client;
    KubernetesMockServer server;
    private ClusterReconciler reconciler;

    @BeforeEach
    void setUp() {
        reconciler = new ClusterReconciler(client, new ReconcileTarget("edge-1", NAMESPACE));
    }

    private Deployment deployment(String name) {
        return client.apps().deployments().inNamespace(NAMESPACE).withName(name).get();
    }

    @Test
    void createsNamespaceDeploymentAndServicePerWorkload() {
        ReconcileResult result = reconciler.reconcile(desired(1, workload("chat"), workload("embed").setReplicas(2)));

        assertThat(result.applied()).isTrue();
        assertThat(client.namespaces().withName(NAMESPACE).get()).isNotNull();
        assertThat(deployment("chat").getSpec().getTemplate().getSpec().getContainers().get(0).getResources()
                .getLimits().get("nvidia.com/gpu").getAmount()).isEqualTo("1");
        assertThat(deployment("embed").getSpec().getReplicas()).isEqualTo(2);
        assertThat(client.services().inNamespace(NAMESPACE).withName("chat").get()).isNotNull();
        assertThat(result.workloads()).extracting(w -> w.getName() + ":" + w.getCondition())
                .containsExactly("chat:WORKLOAD_CONDITION_PROGRESSING", "embed:WORKLOAD_CONDITION_PROGRESSING");
        assertThat(result.outcomes()).containsEntry(ResourceApplier.Outcome.CREATED, 5);
    }

    @Test
    void objectsListedAsManagedAreAppliedWithoutReadingEachFirst() throws Exception {
        reconciler.reconcile(desired(1, workload("chat")));
        requests(); // forget the first reconcile's

        ReconcileResult again = reconciler.reconcile(desired(1, workload("chat")));

        List<String> requests = requests();
        assertThat(again.outcomes()).containsEntry(ResourceApplier.Outcome.NOOP, 3);
        // the mock server cannot server-side apply: the agent's fallback for it reads an existing object once to
        // JSON-patch it (a real API server needs no read); the deployment is read once more for its status
        assertThat(requests).filteredOn(r -> r.equals("GET /api/v1/namespaces/" + NAMESPACE + "/services/chat")).hasSize(1);
        assertThat(requests).filteredOn(r -> r.equals("GET /apis/apps/v1/namespaces/" + NAMESPACE + "/deployments/chat")).hasSize(2);
        // an object that is not listed (created by hand, not labelled as managed) is read first: it is not the agent's yet
        client.services().inNamespace(NAMESPACE).withName("chat").edit(svc -> {
            svc.getMetadata().getLabels().remove(ManagedLabels.MANAGED_BY);
            return svc;
        });
        requests();
        ReconcileResult adopted = reconciler.reconcile(desired(1, workload("chat")));
        assertThat(adopted.outcomes()).containsEntry(ResourceApplier.Outcome.PATCHED, 1);
        assertThat(requests()).filteredOn(r -> r.equals("GET /api/v1/namespaces/" + NAMESPACE + "/services/chat")).hasSize(2);
    }

    /** The requests the API server received since the last call, as "METHOD path" without the query. */
    private List<String> requests() throws InterruptedException {
        var out = new java.util.ArrayList<String>();
        RecordedRequest r;
        while ((r = server.takeRequest(50, TimeUnit.MILLISECONDS)) != null) {
            String path = r.getPath();
            int query = path.indexOf('?');
            out.add(r.getMethod() + " " + (query < 0 ? path : path.substring(0, query)));
        }
        return out;
    }

    @Test
    void createdNamespaceEnforcesThePodSecurityLevel() {
        reconciler.reconcile(desired(1, workload("chat")));

        assertThat(client.namespaces().withName(NAMESPACE).get().getMetadata().getLabels())
                .containsEntry("pod-security.kubernetes.io/enforce", "baseline")
                .containsEntry("pod-security.kubernetes.io/warn", "baseline")
                .containsEntry("pod-security.kubernetes.io/audit", "baseline");
    }

    @Test
    void anExistingNamespaceGetsThePodSecurityLabelsOnceAndALevelChangeRelabelsIt() {
        // as the install manifest creates it, before the agent runs
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE)
                .addToLabels("app.kubernetes.io/managed-by", "flotilla-agent").endMetadata().build()).create();

        ReconcileResult first = reconciler.reconcile(desired(1, workload("chat")));
        String labelled = client.namespaces().withName(NAMESPACE).get().getMetadata().getResourceVersion();
        reconciler.reconcile(desired(1, workload("chat")));
        String again = client.namespaces().withName(NAMESPACE).get().getMetadata().getResourceVersion();
        var restricted = new ClusterReconciler(client, new ReconcileTarget("edge-1", NAMESPACE, PodSecurityLevel.RESTRICTED));
        restricted.reconcile(desired(1, workload("chat")));

        assertThat(first.outcomes()).containsEntry(ResourceApplier.Outcome.PATCHED, 1).containsEntry(ResourceApplier.Outcome.CREATED, 2);
        assertThat(again).as("nothing written when the labels are right").isEqualTo(labelled);
        assertThat(client.namespaces().withName(NAMESPACE).get().getMetadata().getLabels())
                .containsEntry("pod-security.kubernetes.io/enforce", "restricted")
                .containsEntry("pod-security.kubernetes.io/warn", "restricted")
                .containsEntry("pod-security.kubernetes.io/audit", "restricted");
        assertThat(deployment("chat").getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
    }

    @Test
    void modelCacheBecomesAManagedClaimMountedInTheDeploymentAndIsPrunedWhenDropped() {
        ReconcileResult created = reconciler.reconcile(desired(1,
                workload("chat").setModelCache(ModelCache.newBuilder().setSize("100Gi").setStorageClass("local-path")),
                workload("embed").setModelCache(ModelCache.newBuilder().setSize("20Gi").setMountPath("/models"))));

        assertThat(created.applied()).isTrue();
        PersistentVolumeClaim claim = claim("chat-model-cache");
        assertThat(claim.getSpec().getResources().getRequests().get("storage")).isEqualTo(new Quantity("100Gi"));
        assertThat(claim.getSpec().getStorageClassName()).isEqualTo("local-path");
        assertThat(claim.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
        assertThat(claim.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "flotilla-agent")
                .containsEntry("flotilla.io/workload", "chat").containsEntry("flotilla.io/generation", "1");
        var pod = deployment("chat").getSpec().getTemplate().getSpec();
        assertThat(pod.getVolumes()).singleElement().satisfies(v -> {
            assertThat(v.getName()).isEqualTo("model-cache");
            assertThat(v.getPersistentVolumeClaim().getClaimName()).isEqualTo("chat-model-cache");
        });
        assertThat(pod.getContainers().get(0).getVolumeMounts()).singleElement()
                .satisfies(m -> assertThat(m.getMountPath()).isEqualTo("/root/.cache/huggingface"));
        assertThat(deployment("embed").getSpec().getTemplate().getSpec().getContainers().get(0).getVolumeMounts())
                .singleElement().satisfies(m -> assertThat(m.getMountPath()).isEqualTo("/models"));
        assertThat(claim("embed-model-cache").getSpec().getStorageClassName()).as("the cluster's default class").isNull();

        // chat stops asking for a cache, embed is no longer desired at all
        ReconcileResult pruned = reconciler.reconcile(desired(2, workload("chat")));

        assertThat(pruned.applied()).isTrue();
        assertThat(claim("chat-model-cache")).isNull();
        assertThat(claim("embed-model-cache")).isNull();
        assertThat(deployment("chat").getSpec().getTemplate().getSpec().getVolumes()).isEmpty();
        assertThat(deployment("embed")).isNull();
        assertThat(pruned.outcomes()).containsEntry(ResourceApplier.Outcome.DELETED, 4);
    }

    @Test
    void claimsTheAgentDoesNotManageAreLeftAlone() {
        client.persistentVolumeClaims().inNamespace(NAMESPACE).resource(new PersistentVolumeClaimBuilder()
                .withNewMetadata().withName("chat-model-cache").addToLabels("app", "hand-made").endMetadata()
                .withNewSpec().withAccessModes("ReadWriteOnce").endSpec().build()).create();

        reconciler.reconcile(desired(1, workload("chat")));

        assertThat(claim("chat-model-cache")).isNotNull();
    }

    private PersistentVolumeClaim claim(String name) {
        return client.persistentVolumeClaims().inNamespace(NAMESPACE).withName(name).get();
    }

    @Test
    void imageChangeUpdatesTheDeployment() {
        reconciler.reconcile(desired(1, workload("chat")));

        ReconcileResult result = reconciler.reconcile(desired(2, workload("chat").setImage("vllm/vllm-openai:v0.9.0")));

        assertThat(result.applied()).isTrue();
        assertThat(deployment("chat").getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo("vllm/vllm-openai:v0.9.0");
        assertThat(deployment("chat").getMetadata().getLabels()).containsEntry("flotilla.io/generation", "2");
    }

    @Test
    void prunesManagedWorkloadsNoLongerDesiredAndLeavesUnmanagedObjectsAlone() {
        reconciler.reconcile(desired(1, workload("chat"), workload("embed")));
        client.apps().deployments().inNamespace(NAMESPACE).resource(new DeploymentBuilder()
                .withNewMetadata().withName("hand-made").addToLabels("app", "hand-made").endMetadata()
                .withNewSpec().withReplicas(1).endSpec().build()).create();
        client.configMaps().inNamespace(NAMESPACE).resource(new ConfigMapBuilder()
                .withNewMetadata().withName("embed").endMetadata().build()).create();

        ReconcileResult result = reconciler.reconcile(desired(2, workload("chat")));

        assertThat(result.applied()).isTrue();
        assertThat(deployment("embed")).isNull();
        assertThat(client.services().inNamespace(NAMESPACE).withName("embed").get()).isNull();
        assertThat(deployment("chat")).isNotNull();
        assertThat(deployment("hand-made")).isNotNull();
        assertThat(client.configMaps().inNamespace(NAMESPACE).withName("embed").get()).isNotNull();
        assertThat(result.outcomes()).containsEntry(ResourceApplier.Outcome.DELETED, 2);
    }

    @Test
    void emptyDesiredStatePrunesEverythingManaged() {
        reconciler.reconcile(desired(1, workload("chat")));

        reconciler.reconcile(desired(2));

        assertThat(client.apps().deployments().inNamespace(NAMESPACE).list().getItems()).isEmpty();
        assertThat(client.services().inNamespace(NAMESPACE).list().getItems()).isEmpty();
    }

    @Test
    void invalidWorkloadIsReportedDegradedWhileTheOthersAreApplied() {
        ReconcileResult result = reconciler.reconcile(desired(1, workload("chat"), workload("broken").setImage("")));

        assertThat(result.applied()).isTrue();
        assertThat(result.invalid()).singleElement().asString().contains("broken").contains("no image");
        assertThat(deployment("chat")).isNotNull();
        assertThat(deployment("broken")).isNull();
        assertThat(result.workloads()).filteredOn(w -> w.getName().equals("broken")).singleElement()
                .satisfies(w -> {
                    assertThat(w.getCondition()).isEqualTo(WorkloadCondition.WORKLOAD_CONDITION_DEGRADED);
                    assertThat(w.getReason()).isEqualTo("InvalidWorkload");
                });
    }

    @Test
    void deletedDeploymentIsRecreatedOnTheNextPass() {
        reconciler.reconcile(desired(1, workload("chat")));
        client.apps().deployments().inNamespace(NAMESPACE).withName("chat").delete();

        reconciler.reconcile(desired(1, workload("chat")));

        assertThat(deployment("chat")).isNotNull();
    }
}
