package io.flotilla.fleetctl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ValidateCommandTest {

    @TempDir
    Path dir;

    @Test
    void validFileExitsZeroAndNamesThePolicies() {
        Path file = Policies.write(dir, "alpha.yaml", Policies.yaml("alpha") + "---\n" + Policies.yaml("beta"));

        var r = Cli.run(Cli.env(dir), "validate", "-f", file.toString());

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("2 policies valid: alpha, beta\n");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void repositoryExamplesAreValid() {
        Path examples = Path.of(System.getProperty("flotilla.repo.root", "..")).resolve("examples/policies");
        assertThat(examples).isDirectory();

        var r = Cli.run(Cli.env(dir), "validate", "-f", examples.toString());

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).startsWith("3 policies valid: ").contains("chat-eu", "embeddings-in");
    }

    /** The exact errors of the policy module's corpus, with the path as given on the command line. */
    @ParameterizedTest
    @ValueSource(strings = {"max-below-min", "unknown-fields", "syntax-error"})
    void brokenFilePrintsEveryErrorWithFileLineColumnAndExitsOne(String name) {
        Path file = Policies.copyResource("/broken/" + name + ".yaml", dir);
        List<String> expected = Policies.resourceText("/broken/" + name + ".expected").lines()
                .map(l -> dir.resolve(l).toString()).toList();

        var r = Cli.run(Cli.env(dir), "validate", "-f", file.toString());

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        List<String> lines = r.err().lines().toList();
        assertThat(lines.subList(0, lines.size() - 1)).containsExactlyElementsOf(expected);
        assertThat(lines.getLast()).isEqualTo(expected.size() + (expected.size() == 1 ? " error" : " errors")
                + " in 1 file; " + file + " is not valid");
    }

    @Test
    void directoryIsOneSetAndReportsErrorsOfEveryFile() {
        Policies.write(dir, "a.yaml", Policies.yaml("alpha"));
        Policies.write(dir, "b.yaml", Policies.yaml("alpha"));
        Policies.copyResource("/broken/max-below-min.yaml", dir);
        Policies.write(dir, "notes.txt", "not a policy file, ignored");

        var r = Cli.run(Cli.env(dir), "validate", "-f", dir.toString());

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains(dir.resolve("b.yaml") + ":4:9: metadata.name: duplicate policy name 'alpha' (first defined at "
                        + dir.resolve("a.yaml") + ":4:9)")
                .contains(dir.resolve("max-below-min.yaml") + ":13:18: spec.placement.maxClusters: must be >= minClusters (got 1 < 2)")
                .contains("2 errors in 2 files");
    }

    @Test
    void aCredentialInAPlainEnvValueIsAWarningOnStderrAndTheFileStaysValid() {
        Path file = Policies.write(dir, "alpha.yaml", Policies.yaml("alpha")
                .replace("    image: i\n", "    image: i\n    env:\n      - { name: HF_TOKEN, value: hf_abc }\n"));

        var r = Cli.run(Cli.env(dir), "validate", "-f", file.toString());

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("1 policy valid: alpha; 1 warning\n");
        assertThat(r.err()).startsWith(file + ":10:34: warning: spec.workload.env[0].value: 'HF_TOKEN' looks like a credential")
                .contains("{name: HF_TOKEN, secretKeyRef: {name: <secret>, key: <key>}}")
                .doesNotContain("hf_abc");
    }

    @Test
    void jsonOutputListsWarnings() throws Exception {
        Path file = Policies.write(dir, "alpha.yaml", Policies.yaml("alpha")
                .replace("    image: i\n", "    image: i\n    env: { DB_PASSWORD: x }\n"));

        var r = Cli.run(Cli.env(dir), "validate", "-f", file.toString(), "-o", "json");

        assertThat(r.exitCode()).isZero();
        JsonNode json = Json.MAPPER.readTree(r.out());
        assertThat(json.path("valid").asBoolean(false)).isTrue();
        assertThat(json.path("warnings")).hasSize(1);
        assertThat(json.path("warnings").get(0).path("path").asText()).isEqualTo("spec.workload.env.DB_PASSWORD");
        assertThat(json.path("warnings").get(0).path("line").asInt()).isEqualTo(9);
    }

    @Test
    void imagePolicyOptionsRefuseOtherRegistriesAndTagsAtTheImageLine() {
        Path file = Policies.write(dir, "alpha.yaml", Policies.yaml("alpha").replace("image: i", "image: vllm/vllm-openai:v0.8.5"));

        var allowed = Cli.run(Cli.env(dir), "validate", "-f", file.toString(), "--allowed-registry", "ghcr.io,docker.io/vllm");
        var refused = Cli.run(Cli.env(dir), "validate", "-f", file.toString(), "--allowed-registry", "ghcr.io", "--require-digest");

        assertThat(allowed.exitCode()).as(allowed.toString()).isZero();
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err().lines().toList()).containsExactly(
                file + ":8:12: spec.workload.image: image 'vllm/vllm-openai:v0.8.5' comes from docker.io (docker.io/vllm/vllm-openai), "
                        + "which the fleet's image policy does not allow; allowed: ghcr.io",
                file + ":8:12: spec.workload.image: the fleet's image policy requires images pinned by digest, such as "
                        + "vllm/vllm-openai@sha256:<64 hex digits> (got 'vllm/vllm-openai:v0.8.5')",
                "2 errors in 1 file; " + file + " is not valid");
    }

    @Test
    void imagePolicyComesFromTheControlPlanesVariablesUnlessAnOptionOverridesIt() {
        Path file = Policies.write(dir, "alpha.yaml", Policies.yaml("alpha").replace("image: i", "image: vllm/vllm-openai:v0.8.5"));
        var env = new Environment(java.util.Map.of("FLOTILLA_POLICY_IMAGE_ALLOWED_REGISTRIES", "ghcr.io,registry.example.com",
                "FLOTILLA_POLICY_IMAGE_REQUIRE_DIGEST", "true"), dir);

        var fromEnv = Cli.run(env, "validate", "-f", file.toString());
        var overridden = Cli.run(env, "validate", "-f", file.toString(), "--allowed-registry", "docker.io", "--no-require-digest");

        assertThat(fromEnv.exitCode()).isEqualTo(1);
        assertThat(fromEnv.err()).contains("allowed: ghcr.io, registry.example.com").contains("pinned by digest");
        assertThat(overridden.exitCode()).as(overridden.toString()).isZero();
    }

    @Test
    void missingFileIsAnErrorNotACrash() {
        var r = Cli.run(Cli.env(dir), "validate", "-f", dir.resolve("nope.yaml").toString());

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains(dir.resolve("nope.yaml") + ":1:1: no such file");
    }

    @Test
    void jsonOutputListsStructuredErrors() throws Exception {
        Path file = Policies.copyResource("/broken/max-below-min.yaml", dir);

        var r = Cli.run(Cli.env(dir), "validate", "-f", file.toString(), "-o", "json");

        assertThat(r.exitCode()).isEqualTo(1);
        JsonNode json = Json.MAPPER.readTree(r.out());
        assertThat(json.path("valid").asBoolean(true)).isFalse();
        assertThat(json.path("errors")).hasSize(1);
        JsonNode error = json.path("errors").get(0);
        assertThat(error.path("line").asInt()).isEqualTo(13);
        assertThat(error.path("column").asInt()).isEqualTo(18);
        assertThat(error.path("path").asText()).isEqualTo("spec.placement.maxClusters");
    }

    @Test
    void worksWithoutAServerAndNeverCallsOne() throws Exception {
        Path file = Policies.write(dir, "alpha.yaml", Policies.yaml("alpha"));
        try (var api = new FakeApi()) {
            var r = Cli.run(Cli.env(dir, api), "validate", "-f", file.toString());

            assertThat(r.exitCode()).isZero();
            assertThat(api.requests()).isEmpty();
        }
    }

    @Test
    void missingFileOptionIsAUsageError() {
        var r = Cli.run(Cli.env(dir), "validate");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("Missing required option: '--filename=FILE|DIR'");
    }

    /** As kubectl's "no objects passed to apply": a file without a policy is a mistake, not a valid set of none. */
    @ParameterizedTest
    @ValueSource(strings = {"", "---\n", "# nothing yet\n", "# one\n---\n# two\n---\n", "\n  \n"})
    void aFileWithoutAPolicyIsAnErrorNamingTheFile(String text) throws Exception {
        Path file = Files.writeString(dir.resolve("empty.yaml"), text);

        var r = Cli.run(Cli.env(dir), "validate", "-f", file.toString());

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo(file + ":1:1: no policy in this file (it is empty, or holds only comments or '---')\n"
                + "1 error in 1 file; " + file + " is not valid\n");
    }

    @Test
    void aFileWithoutAPolicyIsInvalidInJsonOutputToo() throws Exception {
        Path file = Files.writeString(dir.resolve("empty.yaml"), "---\n");

        var r = Cli.run(Cli.env(dir), "validate", "-f", file.toString(), "-o", "json");

        assertThat(r.exitCode()).isEqualTo(1);
        JsonNode json = Json.MAPPER.readTree(r.out());
        assertThat(json.path("valid").asBoolean(true)).isFalse();
        assertThat(json.path("policies")).isEmpty();
        assertThat(json.path("errors").get(0).path("message").asText()).startsWith("no policy in this file");
    }

    @Test
    void aDirectoryWithoutPolicyFilesIsAnError() throws Exception {
        Path empty = Files.createDirectory(dir.resolve("policies"));
        Policies.write(empty, "notes.txt", Policies.yaml("alpha")); // not a policy file name

        var r = Cli.run(Cli.env(dir), "validate", "-f", empty.toString());

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).isEqualTo(empty + ":1:1: no policy files (*.yaml, *.yml, *.json) in this directory\n"
                + "1 error in 1 file; " + empty + " is not valid\n");
    }

    @Test
    void aDirectoryWhosePolicyFilesHoldNoPolicyIsAnError() throws Exception {
        Path policies = Files.createDirectory(dir.resolve("policies"));
        Policies.write(policies, "a.yaml", "# to do\n");
        Policies.write(policies, "b.yaml", "---\n");

        var r = Cli.run(Cli.env(dir), "validate", "-f", policies.toString());

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).isEqualTo(policies + ":1:1: no policy in this directory (its policy files are empty, "
                + "or hold only comments or '---')\n1 error in 1 file; " + policies + " is not valid\n");
    }

    @Test
    void aFileOfCommentsBesidePoliciesInADirectoryIsFine() throws Exception {
        Path policies = Files.createDirectory(dir.resolve("policies"));
        Policies.write(policies, "a.yaml", Policies.yaml("alpha"));
        Policies.write(policies, "b.yaml", "# to do\n");

        var r = Cli.run(Cli.env(dir), "validate", "-f", policies.toString());

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("1 policy valid: alpha\n");
    }
}
