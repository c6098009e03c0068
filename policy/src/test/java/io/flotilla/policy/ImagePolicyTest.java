package io.flotilla.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImagePolicyTest {

    private static final String DIGEST = "sha256:" + "0123456789abcdef".repeat(4);

    private static String policy(String image) {
        return """
                apiVersion: flotilla.io/v1alpha1
                kind: FleetPolicy
                metadata: { name: p }
                spec:
                  workload:
                    model: m
                    image: %s
                    resources: { gpu: 1, cpu: "1", memory: 1Gi }
                  placement: { jurisdictions: [EU] }
                """.formatted(image);
    }

    private static PolicySet parse(ImagePolicy rules, String image) {
        return PolicyParser.standard().withImagePolicy(rules).parse("p.yaml", policy(image));
    }

    @ParameterizedTest
    @CsvSource({
            "vllm/vllm-openai:v0.8.5, docker.io/vllm/vllm-openai",
            "ubuntu, docker.io/library/ubuntu",
            "docker.io/ubuntu:24.04, docker.io/library/ubuntu",
            "index.docker.io/vllm/vllm-openai, docker.io/vllm/vllm-openai",
            "ghcr.io/huggingface/text-embeddings-inference:1.6, ghcr.io/huggingface/text-embeddings-inference",
            "GHCR.io/org/app@" + "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef, ghcr.io/org/app",
            "registry.example.com:5000/team/app:1, registry.example.com:5000/team/app",
            "localhost/app, localhost/app",
    })
    void repositorySpellsOutTheRegistryAsTheRuntimeResolvesIt(String image, String repository) {
        assertThat(ImagePolicy.repository(image)).isEqualTo(repository);
    }

    @Test
    void withoutAnImagePolicyEveryImageIsAllowed() {
        assertThat(PolicyParser.standard().parse("p.yaml", policy("anything.example/x:latest")).formatErrors()).isEmpty();
    }

    @Test
    void imagesFromAnAllowedRegistryPass() {
        var rules = new ImagePolicy(List.of("ghcr.io", "docker.io/vllm"), false);

        assertThat(parse(rules, "ghcr.io/huggingface/text-embeddings-inference:1.6").formatErrors()).isEmpty();
        assertThat(parse(rules, "vllm/vllm-openai:v0.8.5").formatErrors()).as("docker.io is the default registry").isEmpty();
    }

    @Test
    void anImageFromAnotherRegistryIsRefusedAtTheImageLine() {
        var rules = new ImagePolicy(List.of("ghcr.io", "registry.example.com"), false);

        assertThat(parse(rules, "vllm/vllm-openai:v0.8.5").errors()).extracting(PolicyError::format).containsExactly(
                "p.yaml:7:12: spec.workload.image: image 'vllm/vllm-openai:v0.8.5' comes from docker.io "
                        + "(docker.io/vllm/vllm-openai), which the fleet's image policy does not allow; allowed: ghcr.io, registry.example.com");
    }

    @Test
    void aPathPrefixAllowsOnlyWhatLiesBelowIt() {
        var rules = new ImagePolicy(List.of("docker.io/vllm"), false);

        assertThat(parse(rules, "vllm/vllm-openai:v0.8.5").isValid()).isTrue();
        assertThat(parse(rules, "vllmx/evil:1").isValid()).isFalse();
        assertThat(parse(rules, "ubuntu").isValid()).as("docker.io/library/ubuntu").isFalse();
        assertThat(parse(rules, "ghcr.io/vllm/vllm-openai").isValid()).isFalse();
    }

    @Test
    void aRegistryNamedAsAPrefixOfAnotherHostDoesNotAllowIt() {
        var rules = new ImagePolicy(List.of("ghcr.io"), false);

        assertThat(parse(rules, "ghcr.io.evil.example/org/app").isValid()).isFalse();
    }

    @Test
    void digestRequiredRefusesTagsAndAcceptsSha256Digests() {
        var rules = new ImagePolicy(List.of(), true);

        assertThat(parse(rules, "vllm/vllm-openai@" + DIGEST).formatErrors()).isEmpty();
        assertThat(parse(rules, "vllm/vllm-openai:v0.8.5@" + DIGEST).formatErrors()).isEmpty();
        assertThat(parse(rules, "vllm/vllm-openai:v0.8.5").errors()).extracting(PolicyError::format).containsExactly(
                "p.yaml:7:12: spec.workload.image: the fleet's image policy requires images pinned by digest, such as "
                        + "vllm/vllm-openai@sha256:<64 hex digits> (got 'vllm/vllm-openai:v0.8.5')");
        assertThat(parse(rules, "vllm/vllm-openai@sha256:abc").isValid()).as("not a full digest").isFalse();
    }

    @Test
    void bothRulesReportTogether() {
        var rules = new ImagePolicy(List.of("ghcr.io"), true);

        assertThat(parse(rules, "vllm/vllm-openai:v0.8.5").errors()).hasSize(2)
                .allSatisfy(e -> assertThat(e.path()).isEqualTo("spec.workload.image"));
    }
}
