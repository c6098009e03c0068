package io.flotilla.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class GoodPoliciesTest {

    private final PolicyParser parser = PolicyParser.standard();

    static Stream<Path> goodFiles() {
        return TestFiles.policyFiles("good").stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goodFiles")
    void goodFileValidatesWithoutErrors(Path file) {
        PolicySet set = parser.parse(file);
        assertThat(set.formatErrors()).isEmpty();
        assertThat(set.policies()).isNotEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goodFiles")
    void canonicalYamlAndJsonParseBackToAnEqualPolicy(Path file) {
        for (FleetPolicy p : parser.parse(file).policies()) {
            PolicySet fromYaml = parser.parse("canonical.yaml", CanonicalPolicy.toYaml(p));
            PolicySet fromJson = parser.parse("canonical.json", CanonicalPolicy.toJson(p));
            assertThat(fromYaml.formatErrors()).isEmpty();
            assertThat(fromJson.formatErrors()).isEmpty();
            assertThat(fromYaml.policies()).containsExactly(p);
            assertThat(fromJson.policies()).containsExactly(p);
            assertThat(CanonicalPolicy.toYaml(fromYaml.policies().get(0))).isEqualTo(CanonicalPolicy.toYaml(p));
        }
    }

    @Test
    void aDirectoryIsOneSetInFileNameOrder() {
        PolicySet set = parser.parse(TestFiles.resourceDir("good"));
        assertThat(set.formatErrors()).isEmpty();
        assertThat(set.policies()).extracting(FleetPolicy::name).containsExactly(
                "code-assistant-five-eyes", "chat-eu", "embeddings-in", "translate-latam", "minimal", "summarise-gcc", "classify-eea");
    }

    @Test
    void examplesShippedToUsersAreTheTestedOnes() {
        PolicySet shipped = parser.parse(TestFiles.repoRoot().resolve("examples/policies"));
        assertThat(shipped.formatErrors()).isEmpty();
        for (FleetPolicy p : shipped.policies()) {
            assertThat(parser.parse(TestFiles.resourceDir("good")).policy(p.name())).contains(p);
        }
        assertThat(shipped.policies()).extracting(FleetPolicy::name)
                .containsExactlyInAnyOrder("chat-eu", "embeddings-in", "code-assistant-five-eyes");
    }

    @Test
    void canonicalYamlSpellsOutDefaultsInSchemaOrder() {
        FleetPolicy minimal = parser.parse(TestFiles.resourceDir("good").resolve("minimal.yaml")).policies().get(0);
        assertThat(CanonicalPolicy.toYaml(minimal)).isEqualTo("""
                apiVersion: flotilla.io/v1alpha1
                kind: FleetPolicy
                metadata:
                  name: minimal
                  labels: {}
                spec:
                  workload:
                    model: mistralai/Mistral-7B-Instruct-v0.3
                    runtime: vllm
                    image: vllm/vllm-openai:v0.8.5
                    port: 8000
                    args: []
                    env: {}
                    resources:
                      gpu: 1
                      gpuMemoryGiB: 0
                      cpu: 500m
                      memory: 4Gi
                    healthPath: /health
                    nodeSelector: {}
                    tolerations: []
                  placement:
                    clusterSelector:
                      matchLabels: {}
                      matchExpressions: []
                    jurisdictions:
                      - DE
                      - IN-MH
                      - NO
                    replicasPerCluster: 1
                    minClusters: 1
                    maxClusters: 1
                    demand: []
                  rollout:
                    waveSize: 25%
                    maxUnavailable: 0
                    pauseOnFailure: true
                  routing:
                    alias: minimal
                """);
    }
}
