package io.flotilla.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Optional;

/** The objects a chart rendered, looked up by kind. */
record Rendered(List<HasMetadata> objects) {

    <T extends HasMetadata> List<T> all(Class<T> kind) {
        return objects.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    /** The only object of this kind. */
    <T extends HasMetadata> T one(Class<T> kind) {
        List<T> found = all(kind);
        assertThat(found).as("objects of kind %s", kind.getSimpleName()).hasSize(1);
        return found.getFirst();
    }

    /** The only object of a kind fabric8 has no class for (a custom resource). */
    GenericKubernetesResource one(String kind) {
        List<GenericKubernetesResource> found = all(GenericKubernetesResource.class).stream()
                .filter(r -> r.getKind().equals(kind)).toList();
        assertThat(found).as("objects of kind %s", kind).hasSize(1);
        return found.getFirst();
    }

    PodSpec pod() {
        return one(Deployment.class).getSpec().getTemplate().getSpec();
    }

    Container container() {
        return pod().getContainers().getFirst();
    }

    Optional<EnvVar> env(String name) {
        return container().getEnv().stream().filter(e -> e.getName().equals(name)).findFirst();
    }

    /** A plain environment variable's value. */
    String envValue(String name) {
        EnvVar env = env(name).orElseThrow(() -> new AssertionError("no environment variable " + name));
        assertThat(env.getValueFrom()).as("%s is a plain value", name).isNull();
        return env.getValue();
    }

    /** "secret/key" of the Secret an environment variable is read from. */
    String envSecret(String name) {
        EnvVar env = env(name).orElseThrow(() -> new AssertionError("no environment variable " + name));
        assertThat(env.getValue()).as("%s carries no value of its own", name).isNull();
        var ref = env.getValueFrom().getSecretKeyRef();
        return ref.getName() + "/" + ref.getKey();
    }

    /** Non-root user 65532, read-only root, no privilege escalation, no capabilities, the runtime's seccomp profile. */
    void assertHardened() {
        var pod = pod().getSecurityContext();
        var container = container().getSecurityContext();
        assertThat(pod.getRunAsNonRoot()).isTrue();
        assertThat(pod.getRunAsUser()).isEqualTo(65532L);
        assertThat(pod.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(container.getRunAsNonRoot()).isTrue();
        assertThat(container.getRunAsUser()).isEqualTo(65532L);
        assertThat(container.getReadOnlyRootFilesystem()).isTrue();
        assertThat(container.getAllowPrivilegeEscalation()).isFalse();
        assertThat(container.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(container.getCapabilities().getAdd()).isNullOrEmpty();
        assertThat(container.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    }

    /** Whatever looks like a secret (password, token, key, secret) comes from a Secret, never as a plain value. */
    void assertNoSecretInPlainEnv() {
        assertThat(container().getEnv())
                .filteredOn(e -> e.getName().matches(".*(PASSWORD|TOKEN|SECRET|API_KEY).*"))
                .allSatisfy(e -> {
                    assertThat(e.getValue()).as(e.getName()).isNull();
                    assertThat(e.getValueFrom().getSecretKeyRef()).as(e.getName()).isNotNull();
                });
    }

    /** The volume mounted at this path. */
    Volume volumeAt(String mountPath) {
        String name = container().getVolumeMounts().stream().filter(m -> m.getMountPath().equals(mountPath))
                .findFirst().orElseThrow(() -> new AssertionError("nothing mounted at " + mountPath)).getName();
        return pod().getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst().orElseThrow();
    }
}
