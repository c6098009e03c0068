package io.flotilla.fleetctl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class EnrollCommandTest extends FakeApiTest {

    private static final String ENROLLED = """
            {"enrollment":{"id":"0b1c2d3e","clusterId":"edge-1","state":"pending","jurisdiction":"DE","latitude":50.11,
                           "longitude":8.68,"labels":{"tier":"edge"},"createdBy":"admin","createdAt":"2026-12-05T10:00:00Z",
                           "tokenExpiresAt":"2026-12-06T10:00:00Z","enrolledAt":null,"agentKeyId":null,"revokedAt":null,
                           "agentConnected":false},
             "bootstrapToken":"flb_secret","controlPlaneUrl":"https://cp.example:8080",
             "manifest":"apiVersion: v1\\nkind: Secret\\nmetadata:\\n  name: flotilla-agent\\n",
             "startCommand":"FLOTILLA_BOOTSTRAP_TOKEN=flb_secret /opt/flotilla-agent/bin/flotilla-agent",
             "snippet":"#!/bin/sh\\nset -eu\\ncat > /var/lib/k0s/manifests/flotilla/agent.yaml <<'EOF'\\nkind: Secret\\nEOF\\n",
             "k0sHelm":"# the agent as a k0s Helm extension\\n- name: flotilla-agent\\n"}""";

    private static final String LIST = """
            [{"id":"0b1c2d3e","clusterId":"edge-1","state":"enrolled","jurisdiction":"DE","latitude":50.11,"longitude":8.68,
              "labels":{},"createdBy":"admin","createdAt":"2026-12-05T10:00:00Z","tokenExpiresAt":"2026-12-06T10:00:00Z",
              "enrolledAt":"2026-12-05T10:02:00Z","agentKeyId":"9f8e7d6c","revokedAt":null,"agentConnected":true},
             {"id":"77aa88bb","clusterId":"edge-2","state":"pending","jurisdiction":"FR","latitude":48.86,"longitude":2.35,
              "labels":{},"createdBy":"admin","createdAt":"2026-12-05T11:00:00Z","tokenExpiresAt":"2026-12-06T11:00:00Z",
              "enrolledAt":null,"agentKeyId":null,"revokedAt":null,"agentConnected":false}]""";

    @Test
    void printsTheInstallSnippetAndSendsExactlyTheGivenFields() throws Exception {
        api.on("POST", "/api/v1/enrollments", 201, ENROLLED);

        var r = Cli.run(Cli.env(cwd, api), "enroll", "edge-1", "--jurisdiction", "DE", "--site", "frankfurt",
                "--label", "tier=edge", "--label", "gpu=l4");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("""
                #!/bin/sh
                set -eu
                cat > /var/lib/k0s/manifests/flotilla/agent.yaml <<'EOF'
                kind: Secret
                EOF
                """);
        assertThat(r.err()).isEqualTo("Cluster edge-1 enrolled; the bootstrap token in this output works once, until 2026-12-06T10:00:00Z.\n");
        FakeApi.Request request = api.requests().get(0);
        assertThat(request.header("Content-Type")).isEqualTo("application/json");
        assertThat(Json.MAPPER.readTree(request.body())).isEqualTo(Json.MAPPER.readTree("""
                {"clusterId":"edge-1","jurisdiction":"DE","site":"frankfurt","labels":{"tier":"edge","gpu":"l4"}}"""));
    }

    @Test
    void sendsCoordinatesAsNumbersAndTheClusterIdAloneToEnrollAgain() throws Exception {
        api.on("POST", "/api/v1/enrollments", 201, ENROLLED);

        assertThat(Cli.run(Cli.env(cwd, api), "enroll", "edge-1", "--jurisdiction", "AU", "--latitude", "-33.87",
                "--longitude", "151.21").exitCode()).isZero();
        assertThat(Cli.run(Cli.env(cwd, api), "enroll", "edge-1").exitCode()).isZero();

        assertThat(Json.MAPPER.readTree(api.requests().get(0).body())).isEqualTo(Json.MAPPER.readTree("""
                {"clusterId":"edge-1","jurisdiction":"AU","latitude":-33.87,"longitude":151.21}"""));
        assertThat(Json.MAPPER.readTree(api.requests().get(1).body())).isEqualTo(Json.MAPPER.readTree("""
                {"clusterId":"edge-1"}"""));
    }

    @Test
    void manifestAndCommandPrintOnlyTheirPart() {
        api.on("POST", "/api/v1/enrollments", 201, ENROLLED);

        var manifest = Cli.run(Cli.env(cwd, api), "enroll", "edge-1", "-o", "manifest");
        var command = Cli.run(Cli.env(cwd, api), "-o", "command", "enroll", "edge-1");
        var k0s = Cli.run(Cli.env(cwd, api), "enroll", "edge-1", "-o", "k0s");

        assertThat(manifest.exitCode()).as(manifest.toString()).isZero();
        assertThat(manifest.out()).isEqualTo("apiVersion: v1\nkind: Secret\nmetadata:\n  name: flotilla-agent\n");
        assertThat(command.exitCode()).as(command.toString()).isZero();
        assertThat(command.out()).isEqualTo("FLOTILLA_BOOTSTRAP_TOKEN=flb_secret /opt/flotilla-agent/bin/flotilla-agent\n");
        assertThat(command.err()).contains("works once, until 2026-12-06T10:00:00Z.");
        assertThat(k0s.exitCode()).as(k0s.toString()).isZero();
        assertThat(k0s.out()).isEqualTo("# the agent as a k0s Helm extension\n- name: flotilla-agent\n");
    }

    @Test
    void jsonPrintsTheWholeAnswer() throws Exception {
        api.on("POST", "/api/v1/enrollments", 201, ENROLLED);

        var r = Cli.run(Cli.env(cwd, api), "enroll", "edge-1", "-o", "json");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(Json.MAPPER.readTree(r.out())).isEqualTo(Json.MAPPER.readTree(ENROLLED));
    }

    @Test
    void aRegisteredClusterSentWithItsDescriptionShowsTheServersConflict() {
        api.on("POST", "/api/v1/enrollments", 409, """
                {"status":409,"error":"cluster edge-1 is already registered; send its clusterId alone to enroll it again","details":[]}""");

        var r = Cli.run(Cli.env(cwd, api), "enroll", "edge-1", "--jurisdiction", "DE", "--site", "frankfurt");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.REJECTED);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("error: cluster edge-1 is already registered; send its clusterId alone to enroll it again "
                + "(HTTP 409 from POST /api/v1/enrollments at " + api.url() + ")");
    }

    @Test
    void aRefusedRequestShowsTheErrorAndItsDetails() {
        api.on("POST", "/api/v1/enrollments", 400, """
                {"status":400,"error":"unknown site 'frankfort'","details":["known sites: amsterdam, frankfurt, paris"]}""");

        var r = Cli.run(Cli.env(cwd, api), "enroll", "edge-1", "--jurisdiction", "DE", "--site", "frankfort");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.REJECTED);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("error: unknown site 'frankfort' (HTTP 400 from POST /api/v1/enrollments at " + api.url() + ")\n"
                + "  known sites: amsterdam, frankfurt, paris\n");
    }

    @Test
    void aServerFailureExitsThree() {
        api.on("POST", "/api/v1/enrollments", 500, "{\"status\":500,\"error\":\"internal error\",\"details\":[]}");

        assertThat(Cli.run(Cli.env(cwd, api), "enroll", "edge-1").exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
    }

    @Test
    void contradictoryLocationsAndFormatsAreUsageErrorsAndSendNothing() {
        var both = Cli.run(Cli.env(cwd, api), "enroll", "edge-1", "--site", "paris", "--latitude", "1", "--longitude", "2");
        var half = Cli.run(Cli.env(cwd, api), "enroll", "edge-1", "--latitude", "1");
        var table = Cli.run(Cli.env(cwd, api), "enroll", "edge-1", "-o", "table");
        var label = Cli.run(Cli.env(cwd, api), "enroll", "edge-1", "--label", "tier");
        var script = Cli.run(Cli.env(cwd, api), "get", "enrollments", "-o", "script");

        assertThat(both.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(both.err()).startsWith("give the location as --site or as --latitude and --longitude, not both");
        assertThat(half.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(half.err()).startsWith("--latitude and --longitude go together");
        assertThat(table.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(table.err()).startsWith("fleetctl enroll does not print -o table; it prints script, manifest, k0s, command, json, yaml");
        assertThat(label.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(script.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(script.err()).startsWith("fleetctl get enrollments does not print -o script; it prints table, json, yaml");
        assertThat(api.requests()).isEmpty();
    }

    @Test
    void getEnrollmentsListsThemWithTheirAgentsState() {
        api.on("GET", "/api/v1/enrollments", 200, LIST);

        var r = Cli.run(Cli.env(cwd, api), "get", "enrollments");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("""
                CLUSTER   STATE      ENROLLED               AGENT KEY   CONNECTED   ID
                edge-1    enrolled   2026-12-05T10:02:00Z   9f8e7d6c    yes         0b1c2d3e
                edge-2    pending    -                      -           no          77aa88bb
                """);
    }

    @Test
    void getEnrollmentsSaysSoWhenThereAreNone() {
        api.on("GET", "/api/v1/enrollments", 200, "[]");

        assertThat(Cli.run(Cli.env(cwd, api), "get", "enrollments").out()).isEqualTo("No enrollments.\n");
    }

    @Test
    void revokeEnrollmentDeletesItAndSaysWhatFollows() throws Exception {
        JsonNode revoked = ((ObjectNode) Json.MAPPER.readTree(LIST).get(0))
                .put("state", "revoked").put("revokedAt", "2026-12-05T12:00:00Z").put("agentConnected", false);
        api.on("DELETE", "/api/v1/enrollments/0b1c2d3e", 200, Json.toJson(revoked));

        var r = Cli.run(Cli.env(cwd, api), "revoke", "enrollment", "0b1c2d3e");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("Enrollment 0b1c2d3e of cluster edge-1 revoked at 2026-12-05T12:00:00Z; "
                + "its agent is disconnected and refused from now on.\n");
        assertThat(api.requests()).singleElement().satisfies(q -> assertThat(q.method()).isEqualTo("DELETE"));
    }

    @Test
    void revokingAnUnknownEnrollmentIsRejected() {
        var r = Cli.run(Cli.env(cwd, api), "revoke", "enrollment", "no-such-id");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.REJECTED);
        assertThat(r.err()).startsWith("error: fake API has no route for DELETE /api/v1/enrollments/no-such-id (HTTP 404");
    }
}
