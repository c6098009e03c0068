package io.flotilla.fleetctl;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotilla.policy.Sites;
import io.flotilla.policy.Suggestions;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code fleetctl route --model M --from SITE|LAT,LON [--jurisdiction J[,J]]}. */
@Command(name = "route", description = {
        "Show where the router would send a request: ranked candidates, best first.",
        "Exits 1 with the router's reason when no cluster is eligible."})
final class RouteCommand extends BaseCommand implements Callable<Integer> {

    /** How many site names an unknown one is answered with. */
    static final int SUGGESTIONS = 3;
    private static final Pattern LAT_LON = Pattern.compile("\\s*([-+]?\\d+(?:\\.\\d+)?)\\s*,\\s*([-+]?\\d+(?:\\.\\d+)?)\\s*");

    @Option(names = "--model", required = true, paramLabel = "ALIAS", description = "The model name clients send (a policy's routing alias).")
    String model;

    @Option(names = "--from", required = true, paramLabel = "SITE|LAT,LON",
            description = "Where the request comes from: a built-in site's name (e.g. frankfurt; listed in docs/policy.md) "
                    + "or latitude,longitude (e.g. 50.11,8.68).")
    String from;

    @Option(names = "--jurisdiction", split = ",", paramLabel = "J",
            description = "Jurisdictions the request's data may reach, comma-separated (codes or groups, e.g. EU or DE,FR).")
    List<String> jurisdictions;

    @Override
    public Integer call() {
        StringBuilder query = new StringBuilder("/api/v1/route?model=").append(ApiClient.encode(model));
        var m = LAT_LON.matcher(from);
        if (m.matches()) {
            double lat = Double.parseDouble(m.group(1));
            double lon = Double.parseDouble(m.group(2));
            if (lat < -90 || lat > 90 || lon < -180 || lon > 180) {
                throw new ParameterException(spec.commandLine(), "--from " + from + ": latitude must be in [-90, 90] and longitude in [-180, 180]");
            }
            query.append("&lat=").append(m.group(1)).append("&lon=").append(m.group(2));
        } else if (from.isBlank() || from.contains(",")) {
            throw new ParameterException(spec.commandLine(), "--from '" + from + "': expected a site name or LAT,LON such as 50.11,8.68");
        } else {
            query.append("&site=").append(ApiClient.encode(site(from)));
        }
        if (jurisdictions != null) {
            List<String> codes = jurisdictions.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
            if (codes.isEmpty()) {
                throw new ParameterException(spec.commandLine(), "--jurisdiction: expected at least one code");
            }
            query.append("&jurisdiction=").append(ApiClient.encode(String.join(",", codes)));
        }
        JsonNode route;
        try (ApiClient client = client()) {
            route = client.get(query.toString());
        }
        JsonNode candidates = route.path("candidates");
        boolean none = candidates.isEmpty();
        if (!printStructured(route)) {
            if (none) {
                String reason = Json.text(route, "reason");
                err().println("error: no eligible cluster for model " + model + (reason == null ? "" : ": " + reason));
                err().flush();
            } else {
                var table = new Table("#", "CLUSTER", "JURISDICTION", "EST_MS", "NETWORK_MS", "LOAD_MS", "MEASURED", "ENDPOINT", "POLICY");
                int rank = 1;
                for (JsonNode c : candidates) {
                    table.row(rank++, Json.cell(c, "cluster"), Json.cell(c, "jurisdiction"), Json.number(c.path("estimatedLatencyMs")),
                            Json.number(c.path("networkLatencyMs")), Json.number(c.path("loadPenaltyMs")),
                            c.path("measured").asBoolean(false) ? "yes" : "no (estimated)", Json.cell(c, "endpoint"), Json.cell(c, "policy"));
                }
                out().print(table.render());
                for (JsonNode note : route.path("notes")) {
                    out().println("note: " + note.asText());
                }
                out().flush();
            }
        }
        return none ? ExitCodes.REJECTED : ExitCodes.OK;
    }

    /**
     * A built-in site's name, as the control plane knows them (the same list ships in fleetctl); written any case,
     * and with spaces or underscores for its hyphens. An unknown name is a usage error that offers the names
     * nearest by spelling, and lat,lon for a place that has no site.
     */
    static String site(String from) {
        String name = from.strip().toLowerCase(Locale.ROOT).replaceAll("[\\s_]+", "-");
        Sites sites = Sites.builtIn();
        if (sites.find(name).isPresent()) {
            return name;
        }
        List<String> nearest = Suggestions.nearest(name, sites.names(), SUGGESTIONS);
        throw new CliException(ExitCodes.USAGE, "unknown site '" + from.strip() + "'"
                + (nearest.isEmpty() ? "" : "; did you mean " + String.join(", ", nearest) + "?")
                + " or give LAT,LON such as 50.11,8.68 (the " + sites.names().size() + " built-in sites are listed in docs/policy.md)");
    }
}
