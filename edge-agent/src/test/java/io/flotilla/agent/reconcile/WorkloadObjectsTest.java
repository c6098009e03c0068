package io.flotilla.agent.reconcile;

import static io.flotilla.agent.Fixtures.workload;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.flotilla.proto.v1.Resources;
import io.flotilla.proto.v1.SecretKeyRef;
import io.flotilla.proto.v1.Toleration;
import org.junit.jupiter.api.Test;

class WorkloadObjectsTest {

    private final ReconcileTarget target = new ReconcileTarget("edge-1", "flotilla-workloads");

    @Test
    void deploymentCarriesImageReplicasAndGpuLimit() {
        Deployment d = WorkloadObjects.deployment(target, workload("chat").setReplicas(3).build(), 7);

        assertThat(d.getMetadata().getName()).isEqualTo("chat");
        assertThat(d.getMetadata().getNamespace()).isEqualTo("flotilla-workloads");
        assertThat(d.getSpec().getReplicas()).isEqualTo(3);
        Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(c.getImage()).isEqualTo("vllm/vllm-openai:v0.8.5");
        assertThat(c.getResources().getLimits())
                .containsEntry("nvidia.com/gpu", new Quantity("1"))
                .containsEntry("cpu", new Quantity("4"))
                .containsEntry("memory", new Quantity("16Gi"));
        assertThat(c.getResources().getRequests()).isEqualTo(c.getResources().getLimits());
        assertThat(c.getPorts()).singleElement().satisfies(p -> assertThat(p.getContainerPort()).isEqualTo(8000));
    }

    @Test
    void cpuOnlyWorkloadHasNoGpuResourceNorGpuToleration() {
        Deployment d = WorkloadObjects.deployment(target,
                workload("embed").setResources(Resources.newBuilder().setCpu("500m")).build(), 1);

        Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(c.getResources().getLimits()).containsOnlyKeys("cpu");
        assertThat(d.getSpec().getTemplate().getSpec().getTolerations()).isEmpty();
    }

    @Test
    void labelsIdentifyWorkloadManagerClusterPolicyAndGeneration() {
        Deployment d = WorkloadObjects.deployment(target, workload("chat").build(), 7);

        assertThat(d.getMetadata().getLabels())
                .containsEntry("app.kubernetes.io/name", "chat")
                .containsEntry("app.kubernetes.io/managed-by", "flotilla-agent")
                .containsEntry("flotilla.io/cluster", "edge-1")
                .containsEntry("flotilla.io/policy", "chat-eu")
                .containsEntry("flotilla.io/generation", "7")
                .containsEntry("flotilla.io/workload", "chat");
        assertThat(d.getMetadata().getAnnotations()).containsEntry("flotilla.io/model", "meta-llama/Llama-3.1-8B-Instruct");
        assertThat(d.getSpec().getSelector().getMatchLabels())
                .containsOnlyKeys("app.kubernetes.io/name", "flotilla.io/workload", "app.kubernetes.io/managed-by");
    }

    @Test
    void newGenerationDoesNotChangePodTemplateSoPodsAreNotRestarted() {
        Deployment g1 = WorkloadObjects.deployment(target, workload("chat").build(), 1);
        Deployment g2 = WorkloadObjects.deployment(target, workload("chat").build(), 2);

        assertThat(g2.getSpec().getTemplate()).isEqualTo(g1.getSpec().getTemplate());
        assertThat(g2.getMetadata().getLabels()).isNotEqualTo(g1.getMetadata().getLabels());
    }

    @Test
    void probesUseHealthPathDefaultingToSlashHealth() {
        Container byDefault = WorkloadObjects.deployment(target, workload("chat").build(), 1)
                .getSpec().getTemplate().getSpec().getContainers().get(0);
        Container custom = WorkloadObjects.deployment(target, workload("chat").setHealthPath("/v1/models").build(), 1)
                .getSpec().getTemplate().getSpec().getContainers().get(0);

        assertThat(byDefault.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/health");
        assertThat(byDefault.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/health");
        assertThat(byDefault.getStartupProbe().getHttpGet().getPath()).isEqualTo("/health");
        assertThat(byDefault.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("http");
        assertThat(custom.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/v1/models");
        assertThat(custom.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/v1/models");
    }

    @Test
    void envArgsNodeSelectorAndTolerationsArePassedThrough() {
        Deployment d = WorkloadObjects.deployment(target, workload("chat")
                .putEnv("B_VAR", "2").putEnv("A_VAR", "1")
                .addArgs("--max-model-len").addArgs("8192")
                .putNodeSelector("nvidia.com/gpu.product", "NVIDIA-L4")
                .addTolerations(Toleration.newBuilder().setKey("edge").setOperator("Equal").setValue("true")
                        .setEffect("NoSchedule"))
                .build(), 1);

        Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(c.getEnv()).extracting(e -> e.getName() + "=" + e.getValue()).containsExactly("A_VAR=1", "B_VAR=2");
        assertThat(c.getArgs()).containsExactly("--max-model-len", "8192");
        assertThat(d.getSpec().getTemplate().getSpec().getNodeSelector()).containsEntry("nvidia.com/gpu.product", "NVIDIA-L4");
        assertThat(d.getSpec().getTemplate().getSpec().getTolerations())
                .extracting(t -> t.getKey() + ":" + t.getOperator() + ":" + t.getEffect())
                .containsExactly("edge:Equal:NoSchedule", "nvidia.com/gpu:Exists:NoSchedule");
    }

    @Test
    void vllmWithoutArgsIsToldItsModelAndPort() {
        Container c = WorkloadObjects.deployment(target, workload("chat").setPort(9000).build(), 1)
                .getSpec().getTemplate().getSpec().getContainers().get(0);

        assertThat(c.getArgs()).containsExactly("--model", "meta-llama/Llama-3.1-8B-Instruct", "--port", "9000");
    }

    @Test
    void serviceExposesPortToPodsOfTheWorkload() {
        Service s = WorkloadObjects.service(target, workload("chat").setPort(8080).build(), 3);

        assertThat(s.getSpec().getSelector()).isEqualTo(
                WorkloadObjects.deployment(target, workload("chat").build(), 3).getSpec().getSelector().getMatchLabels());
        assertThat(s.getSpec().getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getPort()).isEqualTo(8080);
            assertThat(p.getTargetPort().getStrVal()).isEqualTo("http");
        });
        assertThat(s.getMetadata().getLabels()).containsEntry("flotilla.io/generation", "3");
        assertThat(WorkloadObjects.endpoint(target, workload("chat").setPort(8080).build()))
                .isEqualTo("http://chat.flotilla-workloads.svc:8080");
    }

    @Test
    void podsRunWithoutPrivilegeEscalationCapabilitiesOrServiceAccountToken() {
        var pod = WorkloadObjects.deployment(target, workload("chat").build(), 1).getSpec().getTemplate().getSpec();

        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).as("baseline runs any image's user").isNull();
        SecurityContext container = pod.getContainers().get(0).getSecurityContext();
        assertThat(container.getAllowPrivilegeEscalation()).isFalse();
        assertThat(container.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(container.getCapabilities().getAdd()).isNullOrEmpty();
        assertThat(container.getPrivileged()).as("GPUs come from the device plugin, not a privileged container").isNull();
        assertThat(pod.getContainers().get(0).getResources().getLimits()).containsKey("nvidia.com/gpu");
    }

    @Test
    void restrictedLevelAlsoRequiresANonRootUser() {
        var restricted = new ReconcileTarget("edge-1", "flotilla-workloads", PodSecurityLevel.RESTRICTED);
        var pod = WorkloadObjects.deployment(restricted, workload("chat").build(), 1).getSpec().getTemplate().getSpec();

        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        assertThat(pod.getContainers().get(0).getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(pod.getContainers().get(0).getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    }

    @Test
    void namespaceEnforcesWarnsAndAuditsTheBaselineLevelByDefault() {
        Namespace ns = WorkloadObjects.namespace(target);

        assertThat(ns.getMetadata().getName()).isEqualTo("flotilla-workloads");
        assertThat(ns.getMetadata().getLabels())
                .containsEntry("pod-security.kubernetes.io/enforce", "baseline")
                .containsEntry("pod-security.kubernetes.io/warn", "baseline")
                .containsEntry("pod-security.kubernetes.io/audit", "baseline")
                .containsEntry("app.kubernetes.io/managed-by", "flotilla-agent")
                .containsEntry("flotilla.io/cluster", "edge-1");
    }

    @Test
    void namespaceOfTheRestrictedLevelSaysRestrictedEverywhere() {
        Namespace ns = WorkloadObjects.namespace(new ReconcileTarget("edge-1", "flotilla-workloads", PodSecurityLevel.RESTRICTED));

        assertThat(ns.getMetadata().getLabels())
                .containsEntry("pod-security.kubernetes.io/enforce", "restricted")
                .containsEntry("pod-security.kubernetes.io/warn", "restricted")
                .containsEntry("pod-security.kubernetes.io/audit", "restricted");
    }

    @Test
    void secretReferencesBecomeValueFromSecretKeyRefSortedWithPlainValues() {
        Container c = WorkloadObjects.deployment(target, workload("chat")
                .putEnv("LOG_LEVEL", "debug")
                .putSecretEnv("HF_TOKEN", SecretKeyRef.newBuilder().setName("hf").setKey("token").build())
                .build(), 1).getSpec().getTemplate().getSpec().getContainers().get(0);

        assertThat(c.getEnv()).extracting(EnvVar::getName).containsExactly("HF_TOKEN", "LOG_LEVEL");
        EnvVar token = c.getEnv().get(0);
        assertThat(token.getValue()).isNull();
        assertThat(token.getValueFrom().getSecretKeyRef().getName()).isEqualTo("hf");
        assertThat(token.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("token");
        assertThat(c.getEnv().get(1).getValue()).isEqualTo("debug");
        assertThat(c.getEnv().get(1).getValueFrom()).isNull();
    }

    @Test
    void sameInputGivesEqualObjects() {
        assertThat(WorkloadObjects.deployment(target, workload("chat").build(), 4))
                .isEqualTo(WorkloadObjects.deployment(target, workload("chat").build(), 4));
    }
}
