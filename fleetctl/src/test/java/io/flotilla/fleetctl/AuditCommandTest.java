package io.flotilla.fleetctl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AuditCommandTest extends FakeApiTest {

    private static final String PAGE_1 = """
            {"items":[{"id":7,"at":"2026-12-05T10:00:02Z","actor":"ci","actorRole":"operator","method":"POST",
                       "path":"/api/v1/policies","target":"policies chat-eu","revision":"chat-eu@3","status":200}],
             "continueToken":"7"}""";
    private static final String PAGE_2 = """
            {"items":[{"id":3,"at":"2026-12-05T10:00:01Z","actor":"anonymous","actorRole":null,"method":"POST",
                       "path":"/api/v1/tokens","target":"tokens","revision":null,"status":401}],
             "continueToken":null}""";

    @Test
    void printsOnePageAsATableAndSaysThatThereIsMore() {
        api.on("GET", "/api/v1/audit", q -> FakeApi.Answer.json(200, PAGE_1));

        var r = Cli.run(Cli.env(cwd, api), "audit", "--actor", "ci", "--target", "chat-eu", "--limit", "1");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("""
                TIME                   ACTOR   ROLE       METHOD   TARGET             REVISION    STATUS
                2026-12-05T10:00:02Z   ci      operator   POST     policies chat-eu   chat-eu@3   200
                (more: --all, or narrow with --since, --actor, --target)
                """);
        assertThat(api.requests().get(0).query()).containsEntry("actor", "ci").containsEntry("target", "chat-eu")
                .containsEntry("limit", "1");
    }

    @Test
    void allFollowsTheContinueTokenToTheLastPage() {
        api.on("GET", "/api/v1/audit", q -> FakeApi.Answer.json(200, q.query().containsKey("continue") ? PAGE_2 : PAGE_1));

        var r = Cli.run(Cli.env(cwd, api), "audit", "--all", "-o", "json");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(api.requests()).hasSize(2);
        assertThat(api.requests().get(1).query()).containsEntry("continue", "7");
        assertThat(r.out()).contains("\"actor\" : \"ci\"").contains("\"actor\" : \"anonymous\"");
    }

    @Test
    void sinceTakesADurationOrAnInstantAndRefusesAnythingElse() {
        api.on("GET", "/api/v1/audit", q -> FakeApi.Answer.json(200, PAGE_2));

        assertThat(Cli.run(Cli.env(cwd, api), "audit", "--since", "2026-12-01T00:00:00Z").exitCode()).isZero();
        assertThat(api.requests().get(0).query()).containsEntry("from", "2026-12-01T00:00:00Z");
        assertThat(Cli.run(Cli.env(cwd, api), "audit", "--since", "2h").exitCode()).isZero();
        assertThat(api.requests().get(1).query()).containsKey("from");
        var bad = Cli.run(Cli.env(cwd, api), "audit", "--since", "yesterday");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("--since must be a duration such as 30m, 2h or 7d");
    }
}
