package io.flotilla.fleetctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RolloutCommandTest extends FakeApiTest {

    private static final String RUNNING = """
            {"policy":"chat-eu","revision":4,"fromRevision":3,"state":"RUNNING","reason":null,"waveSize":"50%",
             "maxUnavailable":"0","clusters":4,"converged":1,"failed":0,"progressPercent":25,
             "waves":[{"index":0,"state":"PROGRESSING","clusters":[{"clusterId":"ams-1","state":"CONVERGED"},
                                                                 {"clusterId":"ber-1","state":"PROGRESSING"}]},
                      {"index":1,"state":"PENDING","clusters":[{"clusterId":"fra-1","state":"PENDING"},
                                                              {"clusterId":"par-1","state":"PENDING"}]}]}""";

    @Test
    void statusShowsWavesWithAProgressBar() {
        api.on("GET", "/api/v1/policies/chat-eu/rollout", 200, RUNNING);

        var r = Cli.run(Cli.env(cwd, api), "rollout", "status", "chat-eu");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("""
                Rollout of chat-eu revision 4 (from 3): RUNNING
                [#######.......................] 25%  1/4 converged, 0 failed  (waveSize 50%, maxUnavailable 0)
                  WAVE   STATE         CLUSTERS
                  0      PROGRESSING   ams-1 CONVERGED, ber-1 PROGRESSING
                  1      PENDING       fra-1 PENDING, par-1 PENDING
                """);
    }

    @Test
    void watchRedrawsUntilTheRolloutIsDone() {
        AtomicInteger polls = new AtomicInteger();
        api.on("GET", "/api/v1/policies/chat-eu/rollout", q -> FakeApi.Answer.json(200, polls.incrementAndGet() == 1 ? RUNNING
                : RUNNING.replace("\"RUNNING\"", "\"DONE\"").replace("\"progressPercent\":25", "\"progressPercent\":100")));

        var r = Cli.run(Cli.env(cwd, api), "rollout", "status", "chat-eu", "--watch");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(polls).hasValue(2);
        assertThat(r.out()).contains("\033[5F\033[J").contains("): DONE").contains("[" + "#".repeat(30) + "] 100%");
    }

    @Test
    void pausePostsAndShowsThePausedRollout() {
        api.on("POST", "/api/v1/policies/chat-eu/rollout/pause", 200,
                RUNNING.replace("\"RUNNING\",\"reason\":null", "\"PAUSED\",\"reason\":\"paused by request\""));

        var r = Cli.run(Cli.env(cwd, api), "rollout", "pause", "chat-eu");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).startsWith("Rollout of chat-eu revision 4 (from 3): PAUSED - paused by request\n");
        assertThat(api.requests()).singleElement().satisfies(q -> assertThat(q.method()).isEqualTo("POST"));
    }
}
