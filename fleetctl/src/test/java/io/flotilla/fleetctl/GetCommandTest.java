package io.flotilla.fleetctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GetCommandTest extends FakeApiTest {

    static final String FRA = """
            {"id":"fra-1","jurisdiction":"DE","latitude":50.11,"longitude":8.68,"labels":{"tier":"edge"},
             "desiredGeneration":3,"appliedGeneration":3,"converged":true,"online":true,"paused":false,
             "lastStatusAt":"2026-12-06T09:58:00Z","lastReportAt":"2026-12-06T09:59:51Z",
             "workloads":[{"name":"chat-eu","desired":{"image":"vllm"},
                           "status":{"condition":"Ready","readyReplicas":1,"desiredReplicas":1,"endpoint":"http://10.0.0.5:8000"}},
                          {"name":"embed","desired":{"image":"tei"},"status":null}]}""";
    static final String MUM = """
            {"id":"mum-1","jurisdiction":"IN-MH","latitude":null,"longitude":null,"labels":{},
             "desiredGeneration":5,"appliedGeneration":4,"converged":false,"online":false,"paused":true,
             "lastStatusAt":null,"lastReportAt":null,"workloads":[]}""";

    /** Nine seconds after fra-1's newest report (its telemetry), two minutes after its last status. */
    static final Clock NOW = Clock.fixed(Instant.parse("2026-12-06T10:00:00Z"), ZoneOffset.UTC);

    Environment env() {
        return new Environment(Map.of(Environment.SERVER_VARIABLE, api.url()), cwd, NOW);
    }

    @Test
    void clustersTable() {
        api.on("GET", "/api/v1/clusters", 200, "[" + FRA + "," + MUM + "]");

        var r = Cli.run(env(), "get", "clusters");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("""
                ID      JURISDICTION   ONLINE        GEN    LAST REPORT   WORKLOADS
                fra-1   DE             yes           3/3    9s ago        chat-eu(1/1),embed
                mum-1   IN-MH          no (paused)   4/5*   never         -
                """);
    }

    @Test
    void clustersArePagedThroughWithTheServersContinueTokenAndFiltered() {
        api.on("GET", "/api/v1/clusters", r -> r.query().containsKey("continue")
                ? FakeApi.Answer.json(200, "[" + MUM + "]")
                : new FakeApi.Answer(200, "[" + FRA + "]", "application/json", java.util.Map.of("X-Continue", "tok/1+")));

        var r = Cli.run(Cli.env(cwd, api), "get", "clusters", "--jurisdiction", "DE", "--health", "ready",
                "-l", "tier=edge", "-l", "gpu=l4");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("fra-1").contains("mum-1");
        var requests = api.requests();
        assertThat(requests).hasSize(2);
        assertThat(requests.get(0).query()).containsEntry("limit", "500").containsEntry("jurisdiction", "DE")
                .containsEntry("health", "ready").doesNotContainKey("continue");
        assertThat(requests.get(0).rawQuery()).contains("label=tier%3Dedge").contains("label=gpu%3Dl4");
        assertThat(requests.get(1).query()).containsEntry("continue", "tok/1+").containsEntry("limit", "500")
                .containsEntry("jurisdiction", "DE");
    }

    @Test
    void emptyFleet() {
        api.on("GET", "/api/v1/clusters", 200, "[]");

        var r = Cli.run(Cli.env(cwd, api), "get", "clusters");

        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).isEqualTo("No clusters.\n");
    }

    @Test
    void oneClusterInDetail() {
        api.on("GET", "/api/v1/clusters/fra-1", 200, FRA);

        var r = Cli.run(env(), "get", "cluster", "fra-1");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("Cluster:       fra-1\n", "Location:      50.11,8.68\n", "Labels:        tier=edge\n",
                "Generation:    3/3 (applied/desired)\n", "Last report:   2026-12-06T09:59:51Z (9s ago)\n")
                .contains("  NAME      DESIRED   CONDITION   READY   ENDPOINT\n")
                .contains("  chat-eu   yes       Ready       1/1     http://10.0.0.5:8000\n")
                .contains("  embed     yes       -           -       -\n");
    }

    @Test
    void lastReportIsTheServersLastReportAtNotTheStatusTimeAndReadsInTheLargestUnit() {
        String old = FRA.replace("\"lastReportAt\":\"2026-12-06T09:59:51Z\"", "\"lastReportAt\":\"2026-12-03T07:00:00Z\"");
        String hours = FRA.replace("\"lastReportAt\":\"2026-12-06T09:59:51Z\"", "\"lastReportAt\":\"2026-12-06T05:00:00Z\"");
        String older = FRA.replace("\"lastStatusAt\":\"2026-12-06T09:58:00Z\",\"lastReportAt\":\"2026-12-06T09:59:51Z\",", "");
        api.on("GET", "/api/v1/clusters", 200, "[" + old + "," + hours + "," + older + "]");

        var r = Cli.run(env(), "get", "clusters");

        assertThat(older).doesNotContain("lastReportAt");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out().lines().skip(1).map(l -> l.split("\\s{2,}")[4]).toList())
                .as("3 days, 5 hours, and a server without the field").containsExactly("3d ago", "5h ago", "-");
        api.on("GET", "/api/v1/clusters/mum-1", 200, MUM);
        assertThat(Cli.run(env(), "get", "cluster", "mum-1").out()).contains("Last report:   never\n");
    }

    @Test
    void unknownClusterIsRejectedWithTheServersMessage() {
        api.on("GET", "/api/v1/clusters/nope", 404, "{\"status\":404,\"error\":\"no cluster 'nope'\",\"details\":[]}");

        var r = Cli.run(Cli.env(cwd, api), "get", "cluster", "nope");

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).startsWith("error: no cluster 'nope' (HTTP 404 from GET /api/v1/clusters/nope");
    }

    @Test
    void policiesTable() {
        api.on("GET", "/api/v1/policies", 200, """
                [{"name":"chat-eu","revision":3,"alias":"chat","model":"meta-llama/Llama-3.1-8B-Instruct","jurisdictions":["EU"],
                  "updatedAt":"2025-01-01T00:00:00Z","chosenClusters":3,"satisfied":true},
                 {"name":"embeddings-in","revision":1,"alias":null,"model":"BAAI/bge-m3","jurisdictions":["IN","IN-MH"],
                  "updatedAt":"2025-01-01T00:00:00Z","chosenClusters":["mum-1"],"satisfied":false}]""");

        var r = Cli.run(Cli.env(cwd, api), "get", "policies");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("""
                NAME            REV   ALIAS   MODEL                              JURISDICTIONS   CLUSTERS
                chat-eu         3     chat    meta-llama/Llama-3.1-8B-Instruct   EU              3
                embeddings-in   1     -       BAAI/bge-m3                        IN,IN-MH        1 (unsatisfied)
                """);
    }

    @Test
    void onePolicyPrintsItsYaml() {
        api.on("GET", "/api/v1/policies/chat-eu", 200,
                "{\"name\":\"chat-eu\",\"revision\":3,\"yaml\":\"apiVersion: flotilla.io/v1alpha1\\nkind: FleetPolicy\\n\",\"updatedAt\":\"2025-01-01T00:00:00Z\"}");

        var r = Cli.run(Cli.env(cwd, api), "get", "policy", "chat-eu");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("""
                # chat-eu revision 3, updated 2025-01-01T00:00:00Z
                apiVersion: flotilla.io/v1alpha1
                kind: FleetPolicy
                """);
    }

    @Test
    void jsonOutputIsTheServersAnswerWhereverTheOptionStands() throws Exception {
        api.on("GET", "/api/v1/clusters", 200, "[" + FRA + "]");

        for (String[] args : new String[][] {{"-o", "json", "get", "clusters"}, {"get", "-o", "json", "clusters"},
                {"get", "clusters", "--output=JSON"}}) {
            var r = Cli.run(Cli.env(cwd, api), args);

            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(Json.MAPPER.readTree(r.out())).isEqualTo(Json.MAPPER.readTree("[" + FRA + "]"));
        }
    }

    @Test
    void yamlOutput() {
        api.on("GET", "/api/v1/clusters/mum-1", 200, MUM);

        var r = Cli.run(Cli.env(cwd, api), "get", "cluster", "mum-1", "-o", "yaml");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).startsWith("id: mum-1\njurisdiction: IN-MH\n").contains("paused: true\n").doesNotContain("---");
    }

    @Test
    void getWithoutAResourceIsAUsageError() {
        var r = Cli.run(Cli.env(cwd, api), "get");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(api.requests()).isEmpty();
    }
}
