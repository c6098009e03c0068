package io.flotilla.fleetctl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ApplyCommandTest extends FakeApiTest {

    Path policies;
    Environment env;

    @BeforeEach
    void writePoliciesAndAnswerApplies() throws Exception {
        policies = cwd.resolve("policies");
        Policies.write(policies, "a.yaml", Policies.yaml("alpha"));
        Policies.write(policies, "b.yaml", Policies.yaml("beta"));
        env = new Environment(Map.of(Environment.SERVER_VARIABLE, api.url(), Environment.TOKEN_VARIABLE, "s3cret"), cwd);
        api.on("POST", "/api/v1/policies", r -> FakeApi.Answer.json(200, answerFor(r)));
    }

    /** alpha: created on three clusters; beta: updated, placement not satisfied. */
    static String answerFor(FakeApi.Request r) {
        boolean dry = Boolean.parseBoolean(r.query().get("dryRun"));
        if (r.body().contains("name: alpha")) {
            return """
                    {"dryRun":%s,"results":[{"name":"alpha","action":"created","revision":1,"diff":"--- /dev/null\\n+++ alpha\\n+name: alpha\\n",
                     "placement":{"policy":"alpha","revision":1,"satisfied":true,"reason":null,
                      "chosen":[{"cluster":"fra-1","jurisdiction":"DE","replicas":1,"score":91.5,"scores":{"latency":60,"load":31.5}},
                                {"cluster":"par-1","jurisdiction":"FR","replicas":1,"score":80,"scores":{"latency":50,"load":30}},
                                {"cluster":"ams-1","jurisdiction":"NL","replicas":1,"score":70,"scores":{"latency":40,"load":30}}],
                      "excluded":[]}}]}""".formatted(dry);
        }
        return """
                {"dryRun":%s,"results":[{"name":"beta","action":"updated","revision":4,"diff":"@@ -1 +1 @@\\n-maxClusters: 3\\n+maxClusters: 2",
                 "placement":{"policy":"beta","revision":4,"satisfied":false,"reason":"only 1 of 2 clusters eligible",
                  "chosen":[{"cluster":"mum-1","jurisdiction":"IN","replicas":2,"score":55,"scores":{}}],
                  "excluded":[{"cluster":"fra-1","jurisdiction":"DE","reasons":["jurisdiction DE not allowed"]}]}}]}""".formatted(dry);
    }

    @Test
    void postsEachFileAsYamlWithSourceAndTokenAndPrintsPlacements() {
        var r = Cli.run(env, "apply", "-f", policies.toString());

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("""
                alpha created (revision 1): 3 clusters [fra-1, par-1, ams-1]
                beta updated (revision 4): 1 cluster [mum-1]; not satisfied: only 1 of 2 clusters eligible
                """);
        assertThat(api.requests()).hasSize(2).allSatisfy(req -> {
            assertThat(req.method()).isEqualTo("POST");
            assertThat(req.path()).isEqualTo("/api/v1/policies");
            assertThat(req.query()).containsEntry("dryRun", "false");
            assertThat(req.header("Content-Type")).isEqualTo("application/yaml");
            assertThat(req.header("Authorization")).isEqualTo("Bearer s3cret");
        });
        assertThat(api.requests().get(0).query()).containsEntry("source", "policies/a.yaml");
        assertThat(api.requests().get(0).rawQuery()).contains("source=policies%2Fa.yaml");
        assertThat(api.requests().get(0).body()).isEqualTo(Policies.yaml("alpha"));
        assertThat(api.requests().get(1).query()).containsEntry("source", "policies/b.yaml");
        assertThat(api.requests().get(1).body()).isEqualTo(Policies.yaml("beta"));
    }

    @Test
    void dryRunAsksForADryRunAndPrintsTheDiffs() {
        var r = Cli.run(env, "apply", "-f", policies.toString(), "--dry-run");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(api.requests()).extracting(q -> q.query().get("dryRun")).containsExactly("true", "true");
        assertThat(r.out()).isEqualTo("""
                alpha created (revision 1): 3 clusters [fra-1, par-1, ams-1]
                --- /dev/null
                +++ alpha
                +name: alpha
                beta updated (revision 4): 1 cluster [mum-1]; not satisfied: only 1 of 2 clusters eligible
                @@ -1 +1 @@
                -maxClusters: 3
                +maxClusters: 2
                Dry run: nothing was changed on the server.
                """);
    }

    @Test
    void warningsArePrintedOnStderrAndTheFilesAreStillSent() {
        Policies.write(policies, "a.yaml", Policies.yaml("alpha").replace("    image: i\n", "    image: i\n    env: { API_KEY: x }\n"));

        var r = Cli.run(env, "apply", "-f", policies.toString());

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.err()).startsWith(policies.resolve("a.yaml") + ":9:21: warning: spec.workload.env.API_KEY: 'API_KEY' looks like a credential");
        assertThat(api.requests()).hasSize(2);
    }

    @Test
    void invalidFilesAreReportedAndNothingIsSent() {
        Policies.copyResource("/broken/max-below-min.yaml", policies);

        var r = Cli.run(env, "apply", "-f", policies.toString());

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains(policies.resolve("max-below-min.yaml") + ":13:18: spec.placement.maxClusters:")
                .contains("1 error in 1 file; nothing was sent to the server");
        assertThat(api.requests()).isEmpty();
    }

    @Test
    void aFileWithoutAPolicyIsAnErrorAndNothingIsSent() {
        for (String text : new String[] {"", "---\n", "# nothing yet\n"}) {
            Path file = Policies.write(cwd, "empty.yaml", text);

            var r = Cli.run(env, "apply", "-f", file.toString());

            assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
            assertThat(r.out()).isEmpty();
            assertThat(r.err()).isEqualTo(file + ":1:1: no policy in this file (it is empty, or holds only comments or '---')\n"
                    + "1 error in 1 file; nothing was sent to the server\n");
        }
        assertThat(api.requests()).isEmpty();
    }

    /** Otherwise --prune would take a directory whose files were emptied by mistake as "delete every policy". */
    @Test
    void aDirectoryWithoutAPolicyIsAnErrorAndNothingIsPruned() {
        Path emptied = cwd.resolve("emptied");
        Policies.write(emptied, "a.yaml", "# moved elsewhere\n");
        api.on("GET", "/api/v1/policies", 200, "[{\"name\":\"alpha\"}]");

        var r = Cli.run(env, "apply", "-f", emptied.toString(), "--prune");
        var diff = Cli.run(env, "diff", "-f", emptied.toString());

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).startsWith(emptied + ":1:1: no policy in this directory").endsWith("; nothing was sent to the server\n");
        assertThat(diff.exitCode()).as(diff.toString()).isEqualTo(1);
        assertThat(api.requests()).isEmpty();
    }

    @Test
    void aFileOfCommentsBesidePoliciesIsSkipped() {
        Policies.write(policies, "c.yaml", "# to do\n");

        var r = Cli.run(env, "apply", "-f", policies.toString());

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(api.requests()).extracting(q -> q.query().get("source")).containsExactly("policies/a.yaml", "policies/b.yaml");
    }

    @Test
    void rejectionPrintsErrorAndDetailsAndExitsOne() {
        api.on("POST", "/api/v1/policies", 422,
                "{\"status\":422,\"error\":\"policy rejected\",\"details\":[\"a.yaml:4:9: metadata.name: reserved\",\"second detail\"]}");

        var r = Cli.run(env, "apply", "-f", policies.resolve("a.yaml").toString());

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).startsWith("error: policy rejected (HTTP 422 from POST /api/v1/policies at " + api.url() + ")\n")
                .contains("  a.yaml:4:9: metadata.name: reserved\n  second detail\n");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void serverErrorExitsThreeAndStopsAtTheFirstFailingFile() {
        api.on("POST", "/api/v1/policies", 500, "{\"status\":500,\"error\":\"database unavailable\",\"details\":[]}");

        var r = Cli.run(env, "apply", "-f", policies.toString());

        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.err()).contains("database unavailable (HTTP 500");
        assertThat(api.requests()).hasSize(1);
    }

    @Test
    void pruneDeletesOnlyPoliciesMissingFromTheSet() {
        api.on("GET", "/api/v1/policies", 200, "[{\"name\":\"alpha\"},{\"name\":\"beta\"},{\"name\":\"old one\"}]");
        api.on("DELETE", "/api/v1/policies/old%20one", 204, "");

        var r = Cli.run(env, "apply", "-f", policies.toString(), "--prune");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).endsWith("old one deleted\n");
        assertThat(api.requests()).extracting(q -> q.method() + " " + q.path())
                .containsExactly("POST /api/v1/policies", "POST /api/v1/policies", "GET /api/v1/policies",
                        "DELETE /api/v1/policies/old%20one");
    }

    @Test
    void pruneWithDryRunOnlySaysWhatWouldBeDeleted() {
        api.on("GET", "/api/v1/policies", 200, "[{\"name\":\"alpha\"},{\"name\":\"old\"}]");

        var r = Cli.run(env, "apply", "-f", policies.toString(), "--prune", "--dry-run");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("old would be deleted (dry run)\n");
        assertThat(api.requests()).noneMatch(q -> q.method().equals("DELETE"));
    }

    @Test
    void jsonOutputCombinesTheResultsOfEveryFile() throws Exception {
        var r = Cli.run(env, "-o", "json", "apply", "-f", policies.toString());

        assertThat(r.exitCode()).as(r.toString()).isZero();
        JsonNode json = Json.MAPPER.readTree(r.out());
        assertThat(json.path("dryRun").asBoolean(true)).isFalse();
        assertThat(json.path("results")).extracting(n -> n.path("name").asText()).containsExactly("alpha", "beta");
    }

    @Test
    void diffPrintsOnlyChanges() {
        api.on("POST", "/api/v1/policies", r -> FakeApi.Answer.json(200, r.body().contains("name: alpha")
                ? "{\"dryRun\":true,\"results\":[{\"name\":\"alpha\",\"action\":\"unchanged\",\"revision\":7,\"diff\":\"\",\"placement\":null}]}"
                : answerFor(r)));

        var r = Cli.run(env, "diff", "-f", policies.toString());

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(api.requests()).extracting(q -> q.query().get("dryRun")).containsExactly("true", "true");
        assertThat(r.out()).isEqualTo("""
                # beta updated (revision 4): 1 cluster [mum-1]; not satisfied: only 1 of 2 clusters eligible
                @@ -1 +1 @@
                -maxClusters: 3
                +maxClusters: 2
                1 change; 1 policy unchanged
                """);
    }

    @Test
    void diffWithNothingToChangeSaysSo() {
        api.on("POST", "/api/v1/policies", r -> FakeApi.Answer.json(200,
                "{\"dryRun\":true,\"results\":[{\"name\":\"x\",\"action\":\"unchanged\",\"revision\":1,\"diff\":\"\"}]}"));

        var r = Cli.run(env, "diff", "-f", policies.toString());

        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).isEqualTo("No changes.\n");
    }
}
