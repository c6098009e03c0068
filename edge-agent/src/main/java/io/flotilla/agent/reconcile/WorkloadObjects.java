package io.flotilla.agent.reconcile;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.flotilla.proto.v1.InferenceWorkload;
import io.flotilla.proto.v1.ModelCache;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Pure functions from a desired workload to the Kubernetes objects that run it. No client, no
 * I/O: the same input always gives equal objects, which is what makes server-side apply of the
 * result idempotent.
 */
public final class WorkloadObjects {

    public static final int DEFAULT_PORT = 8000;
    public static final String DEFAULT_HEALTH_PATH = "/health";
    public static final String GPU_RESOURCE = "nvidia.com/gpu";
    public static final String DEFAULT_MODEL_CACHE_MOUNT_PATH = "/root/.cache/huggingface";
    static final String MODEL_CACHE_VOLUME = "model-cache";
    static final String CONTAINER_NAME = "model-server";
    static final String PORT_NAME = "http";

    private WorkloadObjects() {
    }

    /**
     * The workloads' namespace, labelled for Pod Security Admission at the target's level: enforced, and
     * warned about and audited at the same level, so that a pod the agent did not build is refused too.
     */
    public static Namespace namespace(ReconcileTarget target) {
        String level = target.podSecurity().label();
        return new NamespaceBuilder()
                .withNewMetadata()
                .withName(target.namespace())
                .addToLabels(ManagedLabels.MANAGED_BY, ManagedLabels.MANAGED_BY_VALUE)
                .addToLabels(ManagedLabels.CLUSTER, target.clusterId())
                .addToLabels(ManagedLabels.POD_SECURITY_ENFORCE, level)
                .addToLabels(ManagedLabels.POD_SECURITY_WARN, level)
                .addToLabels(ManagedLabels.POD_SECURITY_AUDIT, level)
                .endMetadata()
                .build();
    }

    /** Labels on the Deployment and Service themselves. */
    public static Map<String, String> objectLabels(ReconcileTarget target, InferenceWorkload w, long generation) {
        Map<String, String> labels = new LinkedHashMap<>(podLabels(target, w));
        labels.put(ManagedLabels.GENERATION, Long.toString(generation));
        return labels;
    }

    /**
     * Labels on the pods. The generation is left out on purpose: it changes with every desired
     * state, and a changed pod template would restart every model server (and reload its weights)
     * for a change that is not theirs.
     */
    static Map<String, String> podLabels(ReconcileTarget target, InferenceWorkload w) {
        Map<String, String> labels = new LinkedHashMap<>(selector(w));
        labels.put(ManagedLabels.COMPONENT, "inference");
        labels.put(ManagedLabels.CLUSTER, target.clusterId());
        if (!w.getPolicy().isEmpty()) {
            labels.put(ManagedLabels.POLICY, ManagedLabels.labelValue(w.getPolicy()));
        }
        return labels;
    }

    static Map<String, String> selector(InferenceWorkload w) {
        Map<String, String> selector = new LinkedHashMap<>();
        selector.put(ManagedLabels.NAME, w.getName());
        selector.put(ManagedLabels.WORKLOAD, w.getName());
        selector.put(ManagedLabels.MANAGED_BY, ManagedLabels.MANAGED_BY_VALUE);
        return selector;
    }

    static Map<String, String> annotations(InferenceWorkload w) {
        Map<String, String> annotations = new LinkedHashMap<>();
        if (!w.getModel().isEmpty()) {
            annotations.put(ManagedLabels.MODEL_ANNOTATION, w.getModel());
        }
        if (!w.getRuntime().isEmpty()) {
            annotations.put(ManagedLabels.RUNTIME_ANNOTATION, w.getRuntime());
        }
        return annotations;
    }

    public static int port(InferenceWorkload w) {
        return w.getPort() > 0 ? w.getPort() : DEFAULT_PORT;
    }

    public static String healthPath(InferenceWorkload w) {
        return w.getHealthPath().isEmpty() ? DEFAULT_HEALTH_PATH : w.getHealthPath();
    }

    public static Deployment deployment(ReconcileTarget target, InferenceWorkload w, long generation) {
        return new DeploymentBuilder()
                .withNewMetadata()
                .withName(w.getName())
                .withNamespace(target.namespace())
                .withLabels(objectLabels(target, w, generation))
                .withAnnotations(annotations(w))
                .endMetadata()
                .withNewSpec()
                .withReplicas(Math.max(0, w.getReplicas()))
                .withNewSelector().withMatchLabels(selector(w)).endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(podLabels(target, w))
                .withAnnotations(annotations(w))
                .endMetadata()
                .withNewSpec()
                // a model server has no business with the Kubernetes API
                .withAutomountServiceAccountToken(false)
                .withSecurityContext(podSecurityContext(target))
                .withContainers(container(w))
                .withVolumes(volumes(w))
                .withNodeSelector(new TreeMap<>(w.getNodeSelectorMap()))
                .withTolerations(tolerations(w))
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    public static Service service(ReconcileTarget target, InferenceWorkload w, long generation) {
        return new ServiceBuilder()
                .withNewMetadata()
                .withName(w.getName())
                .withNamespace(target.namespace())
                .withLabels(objectLabels(target, w, generation))
                .withAnnotations(annotations(w))
                .endMetadata()
                .withNewSpec()
                .withType("ClusterIP")
                .withSelector(selector(w))
                .addNewPort()
                .withName(PORT_NAME)
                .withProtocol("TCP")
                .withPort(port(w))
                .withTargetPort(new IntOrString(PORT_NAME))
                .endPort()
                .endSpec()
                .build();
    }

    /** Whether the workload asks for a persistent volume for its model weights. */
    public static boolean hasModelCache(InferenceWorkload w) {
        return w.hasModelCache() && !w.getModelCache().getSize().isEmpty();
    }

    public static String modelCacheClaimName(InferenceWorkload w) {
        return w.getName() + "-" + MODEL_CACHE_VOLUME;
    }

    public static String modelCacheMountPath(InferenceWorkload w) {
        String path = w.getModelCache().getMountPath();
        return path.isEmpty() ? DEFAULT_MODEL_CACHE_MOUNT_PATH : path;
    }

    /**
     * The claim for the workload's model cache. ReadWriteOnce, the mode every storage class
     * offers (k0s's local-path included): replicas of one workload share it only on one node.
     */
    public static PersistentVolumeClaim modelCache(ReconcileTarget target, InferenceWorkload w, long generation) {
        ModelCache cache = w.getModelCache();
        return new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                .withName(modelCacheClaimName(w))
                .withNamespace(target.namespace())
                .withLabels(objectLabels(target, w, generation))
                .withAnnotations(annotations(w))
                .endMetadata()
                .withNewSpec()
                .withAccessModes("ReadWriteOnce")
                .withStorageClassName(emptyToNull(cache.getStorageClass()))
                .withNewResources().addToRequests("storage", new Quantity(cache.getSize())).endResources()
                .endSpec()
                .build();
    }

    /** Where the workload's model server answers inside the cluster. */
    public static String endpoint(ReconcileTarget target, InferenceWorkload w) {
        return "http://" + w.getName() + "." + target.namespace() + ".svc:" + port(w);
    }

    /** RuntimeDefault seccomp at both levels; restricted also refuses to start a container as root. */
    private static PodSecurityContext podSecurityContext(ReconcileTarget target) {
        return new PodSecurityContextBuilder()
                .withRunAsNonRoot(target.podSecurity() == PodSecurityLevel.RESTRICTED ? Boolean.TRUE : null)
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .build();
    }

    /**
     * No privilege escalation and no Linux capabilities. GPUs still work: the NVIDIA device plugin and
     * container runtime hand the devices in without a privileged container.
     */
    private static SecurityContext containerSecurityContext() {
        return new SecurityContextBuilder()
                .withAllowPrivilegeEscalation(false)
                .withNewCapabilities().withDrop("ALL").endCapabilities()
                .build();
    }

    /**
     * Plain values and Secret references, sorted by name. A reference becomes
     * {@code valueFrom.secretKeyRef}: the kubelet reads the Secret, so its value never passes through
     * the agent or the control plane.
     */
    private static List<EnvVar> env(InferenceWorkload w) {
        Map<String, EnvVar> env = new TreeMap<>();
        w.getEnvMap().forEach((name, value) -> env.put(name, new EnvVar(name, value, null)));
        w.getSecretEnvMap().forEach((name, ref) -> env.put(name, new EnvVarBuilder().withName(name)
                .withNewValueFrom().withNewSecretKeyRef().withName(ref.getName()).withKey(ref.getKey()).endSecretKeyRef().endValueFrom()
                .build()));
        return List.copyOf(env.values());
    }

    private static Container container(InferenceWorkload w) {
        return new ContainerBuilder()
                .withName(CONTAINER_NAME)
                .withImage(w.getImage())
                .withArgs(args(w))
                .withEnv(env(w))
                .withSecurityContext(containerSecurityContext())
                .addNewPort().withName(PORT_NAME).withContainerPort(port(w)).withProtocol("TCP").endPort()
                .withResources(resources(w))
                .withVolumeMounts(volumeMounts(w))
                // model servers load weights for minutes: the startup probe holds off the
                // liveness probe until the server first answers, for up to 30 minutes
                .withStartupProbe(httpProbe(w, 10, 180))
                .withReadinessProbe(httpProbe(w, 10, 3))
                .withLivenessProbe(httpProbe(w, 20, 3))
                .build();
    }

    private static List<Volume> volumes(InferenceWorkload w) {
        if (!hasModelCache(w)) {
            return List.of();
        }
        return List.of(new VolumeBuilder().withName(MODEL_CACHE_VOLUME)
                .withNewPersistentVolumeClaim().withClaimName(modelCacheClaimName(w)).endPersistentVolumeClaim()
                .build());
    }

    private static List<VolumeMount> volumeMounts(InferenceWorkload w) {
        if (!hasModelCache(w)) {
            return List.of();
        }
        return List.of(new VolumeMountBuilder().withName(MODEL_CACHE_VOLUME).withMountPath(modelCacheMountPath(w)).build());
    }

    /** vLLM's image takes the model as an argument; when the desired state gives none, pass it. */
    private static List<String> args(InferenceWorkload w) {
        if (w.getArgsCount() > 0 || !"vllm".equalsIgnoreCase(w.getRuntime()) || w.getModel().isEmpty()) {
            return List.copyOf(w.getArgsList());
        }
        return List.of("--model", w.getModel(), "--port", Integer.toString(port(w)));
    }

    private static Probe httpProbe(InferenceWorkload w, int periodSeconds, int failureThreshold) {
        return new ProbeBuilder()
                .withNewHttpGet().withPath(healthPath(w)).withPort(new IntOrString(PORT_NAME)).endHttpGet()
                .withPeriodSeconds(periodSeconds)
                .withTimeoutSeconds(5)
                .withFailureThreshold(failureThreshold)
                .build();
    }

    private static ResourceRequirements resources(InferenceWorkload w) {
        Map<String, Quantity> amounts = new TreeMap<>();
        if (!w.getResources().getCpu().isEmpty()) {
            amounts.put("cpu", new Quantity(w.getResources().getCpu()));
        }
        if (!w.getResources().getMemory().isEmpty()) {
            amounts.put("memory", new Quantity(w.getResources().getMemory()));
        }
        if (w.getResources().getGpu() > 0) {
            amounts.put(GPU_RESOURCE, new Quantity(Integer.toString(w.getResources().getGpu())));
        }
        // extended resources such as GPUs must have requests equal to limits
        return new ResourceRequirements(null, new TreeMap<>(amounts), new TreeMap<>(amounts));
    }

    /**
     * The desired tolerations, plus the usual taint on GPU nodes when the workload needs GPUs and
     * the desired state did not already tolerate it.
     */
    private static List<Toleration> tolerations(InferenceWorkload w) {
        List<Toleration> tolerations = new ArrayList<>();
        for (io.flotilla.proto.v1.Toleration t : w.getTolerationsList()) {
            tolerations.add(new TolerationBuilder()
                    .withKey(emptyToNull(t.getKey()))
                    .withOperator(emptyToNull(t.getOperator()))
                    .withValue(emptyToNull(t.getValue()))
                    .withEffect(emptyToNull(t.getEffect()))
                    .build());
        }
        boolean gpuTolerated = w.getTolerationsList().stream().anyMatch(t -> GPU_RESOURCE.equals(t.getKey()));
        if (w.getResources().getGpu() > 0 && !gpuTolerated) {
            tolerations.add(new TolerationBuilder()
                    .withKey(GPU_RESOURCE).withOperator("Exists").withEffect("NoSchedule").build());
        }
        return tolerations;
    }

    private static String emptyToNull(String s) {
        return s.isEmpty() ? null : s;
    }
}
