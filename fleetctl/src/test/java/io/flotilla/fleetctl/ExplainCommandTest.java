package io.flotilla.fleetctl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExplainCommandTest extends FakeApiTest {

    @Test
    void showsChosenClustersWithScoreBreakdownAndEveryExcludedClusterWithReasons() {
        api.on("GET", "/api/v1/policies/chat-eu/placement", 200, """
                {"policy":"chat-eu","revision":3,"satisfied":true,"reason":null,
                 "chosen":[{"cluster":"fra-1","jurisdiction":"DE","replicas":2,"score":91.456,"scores":{"latency":60.5,"load":30.956}},
                           {"cluster":"par-1","jurisdiction":"FR","replicas":1,"score":80,"scores":{"latency":50,"spread":30}}],
                 "excluded":[{"cluster":"mum-1","jurisdiction":"IN","reasons":["jurisdiction IN is outside EU"]},
                             {"cluster":"ams-1","jurisdiction":"NL","reasons":["offline","not enough GPU memory (needs 24 GiB, has 16)"]}]}""");

        var r = Cli.run(Cli.env(cwd, api), "explain", "chat-eu");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("""
                Policy chat-eu (revision 3): satisfied, 2 clusters chosen

                Chosen (best first):
                  CLUSTER   JURISDICTION   REPLICAS   SCORE   LATENCY   LOAD    SPREAD
                  fra-1     DE             2          91.46   60.5      30.96   -
                  par-1     FR             1          80      50        -       30

                Left out:
                  CLUSTER   JURISDICTION   REASONS
                  mum-1     IN             jurisdiction IN is outside EU
                  ams-1     NL             offline; not enough GPU memory (needs 24 GiB, has 16)
                """);
        assertThat(api.requests()).singleElement().satisfies(q -> assertThat(q.method()).isEqualTo("GET"));
    }

    @Test
    void unsatisfiedPlacementLeadsWithTheReason() {
        api.on("GET", "/api/v1/policies/embeddings-in/placement", 200, """
                {"policy":"embeddings-in","revision":1,"satisfied":false,"reason":"needs 2 clusters, 0 eligible",
                 "chosen":[],"excluded":[{"cluster":"fra-1","jurisdiction":"DE","reasons":["jurisdiction DE is outside IN"]}]}""");

        var r = Cli.run(Cli.env(cwd, api), "explain", "embeddings-in");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).startsWith("Policy embeddings-in (revision 1): NOT satisfied: needs 2 clusters, 0 eligible\n\nChosen: none\n")
                .contains("  fra-1     DE             jurisdiction DE is outside IN\n");
    }

    @Test
    void aLongListOfClustersLeftOutIsCountedPerReasonBeforeTheClustersListed() {
        api.on("GET", "/api/v1/policies/chat-eu/placement", 200, """
                {"policy":"chat-eu","revision":2,"satisfied":true,"reason":null,
                 "chosen":[{"cluster":"fra-1","jurisdiction":"DE","replicas":1,"score":90,"scores":{"latency":90}}],
                 "excluded":[{"cluster":"aaa-1","jurisdiction":"US","reasons":["jurisdiction US is outside EU"]}],
                 "excludedTotal":9812,"excludedBySource":{"gpu":12,"jurisdiction":9800}}""");

        var r = Cli.run(Cli.env(cwd, api), "explain", "chat-eu");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("""
                Left out: 9812 clusters (by reason: gpu 12, jurisdiction 9800); the first 1 by cluster id:
                  CLUSTER   JURISDICTION   REASONS
                  aaa-1     US             jurisdiction US is outside EU
                """);
    }

    @Test
    void unknownPolicyExitsOne() {
        var r = Cli.run(Cli.env(cwd, api), "explain", "ghost");

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("HTTP 404 from GET /api/v1/policies/ghost/placement");
    }

    @Test
    void policyNameIsRequired() {
        var r = Cli.run(Cli.env(cwd, api), "explain");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("Missing required parameter: 'POLICY'");
    }
}
