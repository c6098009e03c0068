package io.flotilla.fleetctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class KeysCommandTest extends FakeApiTest {

    private static final String OLD = "{\"keyId\":\"0123abcd\",\"publicKey\":\"b2xk\",\"state\":\"%s\",\"createdAt\":\"2026-11-01T00:00:00Z\"}";
    private static final String NEW = "{\"keyId\":\"4567ef01\",\"publicKey\":\"bmV3\",\"state\":\"%s\",\"createdAt\":\"2026-12-05T10:00:00Z\"}";

    private static String answer(String oldState, String newState, String rotation) {
        return "{\"keys\":[" + OLD.formatted(oldState) + (newState == null ? "" : "," + NEW.formatted(newState)) + "],\"rotation\":"
                + rotation + "}";
    }

    private static String rotation(String phase, int acknowledged, List<String> pending) {
        return "{\"startedAt\":\"2026-12-05T10:00:00Z\",\"phase\":\"" + phase + "\",\"newKeyId\":\"4567ef01\",\"clusters\":"
                + (acknowledged + pending.size()) + ",\"acknowledged\":" + acknowledged + ",\"pending\":["
                + String.join(",", pending.stream().map(p -> "\"" + p + "\"").toList()) + "]}";
    }

    private static final String IDLE = answer("active", null, "null");
    private static final String DISTRIBUTING = answer("active", "incoming", rotation("distributing", 20, List.of("edge-3", "edge-7")));
    private static final String SWITCHING = answer("active", "incoming", rotation("switching", 22, List.of()));
    private static final String DONE = answer("retired", "active", "null");

    @Test
    void showsTheKeysAsATable() {
        api.on("GET", "/api/v1/control-plane/signing-keys", 200, IDLE);

        var r = Cli.run(Cli.env(cwd, api), "keys");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("""
                KEY ID     STATE    CREATED
                0123abcd   active   2026-11-01T00:00:00Z
                """);
    }

    @Test
    void showsTheRotationInProgressWithAtMostTenWaitingClusters() {
        List<String> pending = IntStream.rangeClosed(1, 14).mapToObj(i -> "edge-" + i).toList();
        api.on("GET", "/api/v1/control-plane/signing-keys", 200, answer("active", "incoming", rotation("distributing", 10, pending)));

        var r = Cli.run(Cli.env(cwd, api), "keys");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("""
                KEY ID     STATE      CREATED
                0123abcd   active     2026-11-01T00:00:00Z
                4567ef01   incoming   2026-12-05T10:00:00Z
                Rotation to 4567ef01: distributing, 10/24 clusters acknowledged; waiting for: edge-1, edge-2, edge-3, \
                edge-4, edge-5, edge-6, edge-7, edge-8, edge-9, edge-10 and 4 more
                """);
    }

    @Test
    void jsonPrintsTheRawAnswer() throws Exception {
        api.on("GET", "/api/v1/control-plane/signing-keys", 200, DISTRIBUTING);

        var r = Cli.run(Cli.env(cwd, api), "keys", "-o", "json");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(Json.MAPPER.readTree(r.out())).isEqualTo(Json.MAPPER.readTree(DISTRIBUTING));
    }

    @Test
    void rotateWithoutWaitStartsTheRotationAndShowsItsStatus() {
        api.on("POST", "/api/v1/control-plane/signing-keys/rotate", 202, DISTRIBUTING);

        var r = Cli.run(Cli.env(cwd, api), "keys", "rotate");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).endsWith("Rotation to 4567ef01: distributing, 20/22 clusters acknowledged; waiting for: edge-3, edge-7\n");
        assertThat(api.requests()).singleElement().satisfies(q -> {
            assertThat(q.method()).isEqualTo("POST");
            assertThat(q.body()).isEmpty();
        });
    }

    @Test
    void rotateWaitFollowsTheRotationToItsEndPrintingEachChange() {
        List<String> polls = List.of(DISTRIBUTING, answer("active", "incoming", rotation("distributing", 21, List.of("edge-7"))),
                answer("active", "incoming", rotation("distributing", 21, List.of("edge-7"))), SWITCHING, DONE);
        AtomicInteger n = new AtomicInteger();
        api.on("POST", "/api/v1/control-plane/signing-keys/rotate", 202, DISTRIBUTING);
        api.on("GET", "/api/v1/control-plane/signing-keys", q -> FakeApi.Answer.json(200, polls.get(n.getAndIncrement())));

        var r = Cli.run(Cli.env(cwd, api), "keys", "rotate", "--wait", "--interval", "5ms");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("""
                KEY ID     STATE      CREATED
                0123abcd   active     2026-11-01T00:00:00Z
                4567ef01   incoming   2026-12-05T10:00:00Z
                Rotation to 4567ef01: distributing, 20/22 clusters acknowledged; waiting for: edge-3, edge-7
                Rotation to 4567ef01: distributing, 21/22 clusters acknowledged; waiting for: edge-7
                Rotation to 4567ef01: switching, 22/22 clusters acknowledged
                Signing key is now 4567ef01; 0123abcd retired.
                """);
        assertThat(n).hasValue(polls.size());
    }

    @Test
    void rotateWaitWithJsonPrintsOnlyTheFinalAnswerOnStdout() throws Exception {
        // a server that lists no retired keys: the old key's id comes from the first answer
        String done = "{\"keys\":[" + NEW.formatted("active") + "],\"rotation\":null}";
        api.on("POST", "/api/v1/control-plane/signing-keys/rotate", 202, DISTRIBUTING);
        api.on("GET", "/api/v1/control-plane/signing-keys", 200, done);

        var r = Cli.run(Cli.env(cwd, api), "keys", "rotate", "--wait", "--interval", "5ms", "-o", "json");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(Json.MAPPER.readTree(r.out())).isEqualTo(Json.MAPPER.readTree(done));
        assertThat(r.err()).isEqualTo("Signing key is now 4567ef01; 0123abcd retired.\n");
    }

    @Test
    void rotateWaitGivesUpAfterTheTimeoutNamingTheClustersThatHaveNotAcknowledged() {
        api.on("POST", "/api/v1/control-plane/signing-keys/rotate", 202, DISTRIBUTING);
        api.on("GET", "/api/v1/control-plane/signing-keys", 200, DISTRIBUTING);

        var r = Cli.run(Cli.env(cwd, api), "keys", "rotate", "--wait", "--timeout", "50ms", "--interval", "10ms");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(r.err()).isEqualTo("error: the rotation to key 4567ef01 did not finish within 50ms: distributing, 20/22 clusters "
                + "acknowledged; not acknowledged: edge-3, edge-7. It goes on on the server; fleetctl keys shows its progress\n");
        assertThat(api.requests().size()).isGreaterThan(1);
    }

    @Test
    void rotateWhileARotationRunsIsRejected() {
        api.on("POST", "/api/v1/control-plane/signing-keys/rotate", 409,
                "{\"status\":409,\"error\":\"a rotation to key 4567ef01 is in progress\",\"details\":[]}");

        var r = Cli.run(Cli.env(cwd, api), "keys", "rotate", "--wait");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.REJECTED);
        assertThat(r.err()).startsWith("error: a rotation to key 4567ef01 is in progress (HTTP 409 from POST "
                + "/api/v1/control-plane/signing-keys/rotate");
        assertThat(api.requests()).hasSize(1);
    }

    @Test
    void aTimeoutThatIsNoDurationIsAUsageError() {
        var r = Cli.run(Cli.env(cwd, api), "keys", "rotate", "--wait", "--timeout", "soon");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).startsWith("--timeout must be a duration such as 30s, 10m or 1h; got 'soon'");
        assertThat(api.requests()).isEmpty();
    }
}
