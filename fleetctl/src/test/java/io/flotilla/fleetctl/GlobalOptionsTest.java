package io.flotilla.fleetctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GlobalOptionsTest extends FakeApiTest {

    @BeforeEach
    void answerEmptyClusterList() {
        api.on("GET", "/api/v1/clusters", 200, "[]");
    }

    /** A port that nothing listens on: bound, then released. */
    static int closedPort() throws Exception {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void unreachableServerExitsThreeAndNamesTheUrl() throws Exception {
        String url = "http://127.0.0.1:" + closedPort();

        var r = Cli.run(Cli.env(cwd), "--server", url, "get", "clusters");

        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.err()).startsWith("error: cannot reach the Flotilla server at " + url + " (")
                .contains("Set --server or FLOTILLA_SERVER");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void unreachableServerDuringApplyExitsThreeToo() throws Exception {
        Path file = Policies.write(cwd, "a.yaml", Policies.yaml("alpha"));
        String url = "http://127.0.0.1:" + closedPort();

        var r = Cli.run(new Environment(Map.of(Environment.SERVER_VARIABLE, url), cwd), "apply", "-f", file.toString());

        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.err()).contains(url);
    }

    @Test
    void serverComesFromTheEnvironmentAndTheOptionWins() throws Exception {
        var fromEnv = Cli.run(Cli.env(cwd, api), "get", "clusters");
        var optionWins = Cli.run(new Environment(Map.of(Environment.SERVER_VARIABLE, "http://127.0.0.1:" + closedPort()), cwd),
                "get", "clusters", "--server", api.url() + "/");

        assertThat(fromEnv.exitCode()).as(fromEnv.toString()).isZero();
        assertThat(optionWins.exitCode()).as(optionWins.toString()).isZero();
        assertThat(api.requests()).extracting(FakeApi.Request::path).containsExactly("/api/v1/clusters", "/api/v1/clusters");
    }

    @Test
    void defaultServerIsLocalhost8080() {
        var fleetctl = new Fleetctl(Cli.env(cwd));

        assertThat(fleetctl.serverUri(null)).hasToString("http://127.0.0.1:8080");
    }

    @Test
    void invalidServerUrlIsAUsageError() {
        var r = Cli.run(Cli.env(cwd), "--server", "ftp://example.org", "get", "clusters");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("invalid server URL 'ftp://example.org'");
    }

    @Test
    void tokenFromOptionThenEnvironmentThenAdminTokenFileElseNone() throws Exception {
        Cli.run(Cli.env(cwd, api), "get", "clusters");
        Files.createDirectories(cwd.resolve("data"));
        Files.writeString(cwd.resolve("data/admin-token"), "from-file\n");
        Cli.run(Cli.env(cwd, api), "get", "clusters");
        var env = new Environment(Map.of(Environment.SERVER_VARIABLE, api.url(), Environment.TOKEN_VARIABLE, "from-env"), cwd);
        Cli.run(env, "get", "clusters");
        Cli.run(env, "--token", "from-option", "get", "clusters");

        assertThat(api.requests()).extracting(q -> String.valueOf(q.header("Authorization")))
                .containsExactly("null", "Bearer from-file", "Bearer from-env", "Bearer from-option");
    }

    @Test
    void theLocalAdminTokenFileIsSentOnlyToAServerOnThisMachine() throws Exception {
        Files.createDirectories(cwd.resolve("data"));
        Files.writeString(cwd.resolve("data/admin-token"), "from-file\n");

        var r = Cli.run(Cli.env(cwd), "--server", "http://fleet.example.com:8080", "get", "clusters");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("http://fleet.example.com:8080 is not on this machine").contains("--token")
                .contains("FLOTILLA_TOKEN").doesNotContain("from-file");
        assertThat(Fleetctl.isLoopback(java.net.URI.create("http://localhost:8080"))).isTrue();
        assertThat(Fleetctl.isLoopback(java.net.URI.create("http://127.0.0.2:8080"))).isTrue();
        assertThat(Fleetctl.isLoopback(java.net.URI.create("http://[::1]:8080"))).isTrue();
        assertThat(Fleetctl.isLoopback(java.net.URI.create("http://127.0.0.1.evil.example:8080"))).isFalse();
        assertThat(Fleetctl.isLoopback(java.net.URI.create("http://10.0.0.1:8080"))).isFalse();
    }

    @Test
    void unauthorizedHintsAtTheToken() {
        api.on("GET", "/api/v1/clusters", 401, "{\"status\":401,\"error\":\"missing or invalid token\",\"details\":[]}");

        var r = Cli.run(Cli.env(cwd, api), "get", "clusters");

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("missing or invalid token (pass --token, set FLOTILLA_TOKEN");
    }

    @Test
    void serverErrorWithoutJsonBodyExitsThreeAndShowsTheBody() {
        api.on("GET", "/api/v1/clusters", r -> new FakeApi.Answer(503, "<html>upstream down</html>", "text/html"));

        var r = Cli.run(Cli.env(cwd, api), "get", "clusters");

        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.err()).contains("<html>upstream down</html> (HTTP 503 from GET /api/v1/clusters at " + api.url() + ")");
    }

    @Test
    void successWithoutJsonExitsThree() {
        api.on("GET", "/api/v1/clusters", r -> new FakeApi.Answer(200, "hello", "text/plain"));

        var r = Cli.run(Cli.env(cwd, api), "get", "clusters");

        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.err()).contains("not JSON: hello");
    }

    @Test
    void versionAndHelp() {
        var version = Cli.run(Cli.env(cwd), "--version");
        var help = Cli.run(Cli.env(cwd), "--help");
        var subHelp = Cli.run(Cli.env(cwd), "apply", "--help");

        assertThat(version.exitCode()).isZero();
        assertThat(version.out()).matches("(?s)fleetctl \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\n.*");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("validate", "apply", "diff", "get", "explain", "route", "Exit codes:");
        assertThat(subHelp.exitCode()).isZero();
        assertThat(subHelp.out()).contains("--dry-run", "--prune", "--server=URL");
    }

    @Test
    void unknownCommandOrOptionIsAUsageError() {
        assertThat(Cli.run(Cli.env(cwd), "frobnicate").exitCode()).isEqualTo(2);
        assertThat(Cli.run(Cli.env(cwd), "get", "clusters", "--bogus").exitCode()).isEqualTo(2);
        assertThat(Cli.run(Cli.env(cwd), "-o", "xml", "get", "clusters").exitCode()).isEqualTo(2);
        assertThat(Cli.run(Cli.env(cwd)).exitCode()).isEqualTo(2);
    }
}
