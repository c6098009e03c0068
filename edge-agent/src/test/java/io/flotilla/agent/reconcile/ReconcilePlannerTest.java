package io.flotilla.agent.reconcile;

import static io.flotilla.agent.Fixtures.desired;
import static io.flotilla.agent.Fixtures.workload;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.flotilla.agent.reconcile.ObjectRef.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReconcilePlannerTest {

    private final ReconcileTarget target = new ReconcileTarget("edge-1", "ns");

    @Test
    void appliesADeploymentAndAServicePerDesiredWorkload() {
        ReconcilePlan plan = ReconcilePlanner.plan(target, desired(1, workload("a"), workload("b")), List.of());

        assertThat(plan.apply()).extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
                .containsExactly("Deployment/a", "Service/a", "Deployment/b", "Service/b");
        assertThat(plan.prune()).isEmpty();
        assertThat(plan.namespace().getMetadata().getName()).isEqualTo("ns");
    }

    @Test
    void prunesOnlyManagedObjectsOfWorkloadsNoLongerDesired() {
        List<ObjectRef> managed = List.of(
                new ObjectRef(Kind.DEPLOYMENT, "a", "a"), new ObjectRef(Kind.SERVICE, "a", "a"),
                new ObjectRef(Kind.DEPLOYMENT, "gone", "gone"), new ObjectRef(Kind.SERVICE, "gone", "gone"));

        ReconcilePlan plan = ReconcilePlanner.plan(target, desired(2, workload("a")), managed);

        assertThat(plan.prune()).containsExactly(new ObjectRef(Kind.DEPLOYMENT, "gone", "gone"),
                new ObjectRef(Kind.SERVICE, "gone", "gone"));
    }

    @Test
    void invalidWorkloadIsNeitherAppliedNorPruned() {
        List<ObjectRef> managed = List.of(new ObjectRef(Kind.DEPLOYMENT, "bad", "bad"));

        ReconcilePlan plan = ReconcilePlanner.plan(target,
                desired(2, workload("bad").setImage(""), workload("Bad_Name"), workload("neg").setReplicas(-1),
                        workload("cpu").setResources(io.flotilla.proto.v1.Resources.newBuilder().setCpu("lots"))),
                managed);

        assertThat(plan.apply()).isEmpty();
        assertThat(plan.prune()).isEmpty();
        assertThat(plan.invalidWorkloads()).containsOnlyKeys("bad", "Bad_Name", "neg", "cpu");
        assertThat(plan.invalidWorkloads().get("neg")).contains("-1 replicas");
        assertThat(plan.invalidWorkloads().get("cpu")).contains("'lots'");
    }

    @Test
    void modelCacheClaimComesBeforeItsDeploymentAndABadOneKeepsWhatRuns() {
        List<ObjectRef> managed = List.of(new ObjectRef(Kind.PERSISTENT_VOLUME_CLAIM, "bad-model-cache", "bad"));

        ReconcilePlan plan = ReconcilePlanner.plan(target, desired(3,
                workload("chat").setModelCache(io.flotilla.proto.v1.ModelCache.newBuilder().setSize("100Gi")),
                workload("bad").setModelCache(io.flotilla.proto.v1.ModelCache.newBuilder().setSize("lots"))), managed);

        assertThat(plan.apply()).extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
                .containsExactly("PersistentVolumeClaim/chat-model-cache", "Deployment/chat", "Service/chat");
        assertThat(plan.prune()).isEmpty();
        assertThat(plan.invalidWorkloads().get("bad")).contains("model cache size 'lots'");
    }

    @Test
    void aVariableGivenAsValueAndSecretOrABadSecretReferenceMakesTheWorkloadInvalid() {
        var hf = io.flotilla.proto.v1.SecretKeyRef.newBuilder().setName("hf").setKey("token").build();
        ReconcilePlan plan = ReconcilePlanner.plan(target, desired(3,
                workload("ok").putSecretEnv("HF_TOKEN", hf),
                workload("both").putEnv("HF_TOKEN", "x").putSecretEnv("HF_TOKEN", hf),
                workload("name").putSecretEnv("HF_TOKEN", hf.toBuilder().setName("Not_A_Secret").build()),
                workload("key").putSecretEnv("HF_TOKEN", hf.toBuilder().setKey("a/b").build())), List.of());

        assertThat(plan.invalidWorkloads()).containsOnlyKeys("both", "name", "key");
        assertThat(plan.invalidWorkloads().get("both")).contains("'HF_TOKEN' both as a value and from a Secret");
        assertThat(plan.invalidWorkloads().get("name")).contains("Secret 'Not_A_Secret'");
        assertThat(plan.invalidWorkloads().get("key")).contains("Secret key 'a/b'");
        assertThat(plan.apply()).extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
                .containsExactly("Deployment/ok", "Service/ok");
    }

    @Test
    void duplicateWorkloadNameIsAppliedOnceAndReported() {
        ReconcilePlan plan = ReconcilePlanner.plan(target, desired(3, workload("a"), workload("a").setReplicas(5)),
                List.of());

        assertThat(plan.apply()).extracting(HasMetadata::getKind).containsExactly("Deployment", "Service");
        assertThat(plan.invalidWorkloads()).containsKey("a");
    }

    @Test
    void emptyDesiredStatePrunesEverythingManaged() {
        ReconcilePlan plan = ReconcilePlanner.plan(target, desired(4),
                List.of(new ObjectRef(Kind.SERVICE, "x", "x"), new ObjectRef(Kind.DEPLOYMENT, "x", null)));

        assertThat(plan.prune()).hasSize(2);
    }
}
