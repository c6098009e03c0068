package io.flotilla.fleetctl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RouteCommandTest extends FakeApiTest {

    static final String TWO = """
            {"model":"chat","candidates":[
              {"cluster":"fra-1","jurisdiction":"DE","estimatedLatencyMs":4.25,"networkLatencyMs":3,"loadPenaltyMs":1.25,"measured":true,
               "endpoint":"http://fra-1:8000","policy":"chat-eu"},
              {"cluster":"par-1","jurisdiction":"FR","estimatedLatencyMs":9.5,"networkLatencyMs":9.5,"loadPenaltyMs":0,"measured":false,
               "endpoint":"http://par-1:8000","policy":"chat-eu"}],"reason":null}""";

    @BeforeEach
    void answerTwoCandidates() {
        api.on("GET", "/api/v1/route", 200, TWO);
    }

    @Test
    void fromASiteWithJurisdictionsPrintsRankedCandidates() {
        var r = Cli.run(Cli.env(cwd, api), "route", "--model", "chat", "--from", "frankfurt", "--jurisdiction", "DE,FR");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(api.requests()).singleElement().satisfies(q -> {
            assertThat(q.method()).isEqualTo("GET");
            assertThat(q.query()).containsExactlyInAnyOrderEntriesOf(java.util.Map.of("model", "chat", "site", "frankfurt", "jurisdiction", "DE,FR"));
        });
        assertThat(r.out()).isEqualTo("""
                #   CLUSTER   JURISDICTION   EST_MS   NETWORK_MS   LOAD_MS   MEASURED         ENDPOINT            POLICY
                1   fra-1     DE             4.25     3            1.25      yes              http://fra-1:8000   chat-eu
                2   par-1     FR             9.5      9.5          0         no (estimated)   http://par-1:8000   chat-eu
                """);
    }

    @Test
    void fromCoordinatesSendsLatAndLon() {
        var r = Cli.run(Cli.env(cwd, api), "route", "--model", "chat", "--from", "50.11,-8.68", "--jurisdiction", "EU");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(api.requests()).singleElement().satisfies(q -> assertThat(q.query())
                .containsExactlyInAnyOrderEntriesOf(java.util.Map.of("model", "chat", "lat", "50.11", "lon", "-8.68", "jurisdiction", "EU")));
    }

    @Test
    void noCandidatePrintsTheReasonAndExitsOne() {
        api.on("GET", "/api/v1/route", 200,
                "{\"model\":\"chat\",\"candidates\":[],\"reason\":\"no healthy cluster serves 'chat' in IN\"}");

        var r = Cli.run(Cli.env(cwd, api), "route", "--model", "chat", "--from", "mumbai", "--jurisdiction", "IN");

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("error: no eligible cluster for model chat: no healthy cluster serves 'chat' in IN\n");
    }

    @Test
    void badCoordinatesAreAUsageErrorAndSendNothing() {
        var r = Cli.run(Cli.env(cwd, api), "route", "--model", "chat", "--from", "91,10");
        var r2 = Cli.run(Cli.env(cwd, api), "route", "--model", "chat", "--from", "a,b");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("latitude must be in [-90, 90]");
        assertThat(r2.exitCode()).isEqualTo(2);
        assertThat(api.requests()).isEmpty();
    }

    @Test
    void anUnknownSiteIsAUsageErrorOfferingTheNearestNamesAndLatLon() {
        var r = Cli.run(Cli.env(cwd, api), "route", "--model", "chat", "--from", "krakow");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("error: unknown site 'krakow'; did you mean dhaka, karachi, lagos? or give LAT,LON such as "
                + "50.11,8.68 (the 70 built-in sites are listed in docs/policy.md)\n");
        assertThat(api.requests()).isEmpty();
    }

    @Test
    void aMisspeltSiteIsOfferedTheSiteItLooksLike() {
        var r = Cli.run(Cli.env(cwd, api), "route", "--model", "chat", "--from", "frankfort");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: unknown site 'frankfort'; did you mean frankfurt? or give LAT,LON");
        assertThat(api.requests()).isEmpty();
    }

    @Test
    void aSiteMayBeWrittenInAnyCaseAndWithSpaces() {
        var r = Cli.run(Cli.env(cwd, api), "route", "--model", "chat", "--from", "New York");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(api.requests()).singleElement().satisfies(q -> assertThat(q.query()).containsEntry("site", "new-york"));
    }

    @Test
    void modelIsRequired() {
        var r = Cli.run(Cli.env(cwd, api), "route", "--from", "paris");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("Missing required option: '--model=ALIAS'");
    }
}
