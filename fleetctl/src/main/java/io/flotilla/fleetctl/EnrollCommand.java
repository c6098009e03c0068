package io.flotilla.fleetctl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code fleetctl enroll CLUSTER ...}: registers a cluster and prints its agent's install snippet, which carries a
 * bootstrap token that the control plane shows this once (an admin token).
 */
@Command(name = "enroll", description = {
        "Enroll a cluster: register it and print its agent's install snippet with a one-time bootstrap token "
                + "(needs an admin token).",
        "Give a jurisdiction and a location (--site, or --latitude and --longitude) for a new cluster; the cluster id "
                + "alone enrolls a registered cluster again (a rebuilt agent).",
        "-o script (the default) prints the shell snippet (fleetctl enroll edge-1 --jurisdiction DE --site frankfurt "
                + "> install.sh), -o manifest only the k0s manifest, -o k0s the agent as a k0s Helm extension (docs/edge-k0s.md), "
                + "-o command only the device start command, "
                + "-o json or yaml the whole answer. The token works once, until the time said on stderr."})
final class EnrollCommand extends BaseCommand implements Callable<Integer> {

    static final String PATH = "/api/v1/enrollments";

    @Parameters(paramLabel = "CLUSTER", description = "The cluster's id, a DNS-1123 label (edge-fra-1).")
    String cluster;

    @Option(names = "--jurisdiction", paramLabel = "CODE",
            description = "Where the cluster is, as a country or subdivision code (DE, US-CA); not a group such as EU.")
    String jurisdiction;

    @Option(names = "--site", paramLabel = "NAME", description = "A known site (see fleetctl route --from) as its location.")
    String site;

    @Option(names = "--latitude", paramLabel = "LAT", description = "Its latitude, -90..90, with --longitude.")
    Double latitude;

    @Option(names = "--longitude", paramLabel = "LON", description = "Its longitude, -180..180, with --latitude.")
    Double longitude;

    @Option(names = "--label", paramLabel = "KEY=VALUE", description = "A cluster label; repeat for more.")
    Map<String, String> labels = new LinkedHashMap<>();

    @Override
    Set<OutputFormat> outputFormats() {
        return EnumSet.of(OutputFormat.script, OutputFormat.manifest, OutputFormat.k0s, OutputFormat.command, OutputFormat.json, OutputFormat.yaml);
    }

    @Override
    OutputFormat defaultOutput() {
        return OutputFormat.script;
    }

    @Override
    public Integer call() {
        if (site != null && (latitude != null || longitude != null)) {
            throw new ParameterException(spec.commandLine(), "give the location as --site or as --latitude and --longitude, not both");
        }
        if ((latitude == null) != (longitude == null)) {
            throw new ParameterException(spec.commandLine(), "--latitude and --longitude go together");
        }
        JsonNode answer;
        try (ApiClient client = client()) {
            answer = client.post(PATH, "application/json", Json.toJson(request()));
        }
        OutputFormat format = output();
        if (!printStructured(answer)) {
            String part = switch (format) {
                case manifest -> "manifest";
                case k0s -> "k0sHelm";
                case command -> "startCommand";
                default -> "snippet";
            };
            String text = Json.text(answer, part);
            if (text == null) {
                throw new CliException(ExitCodes.UNAVAILABLE, "the Flotilla server answered POST " + PATH + " without '" + part
                        + "'; enroll the cluster again with its id alone and -o json to see the whole answer");
            }
            out().print(text.endsWith("\n") ? text : text + "\n");
            out().flush();
        }
        JsonNode enrollment = answer.path("enrollment");
        String clusterId = Json.text(enrollment, "clusterId") == null ? cluster : Json.cell(enrollment, "clusterId");
        err().println("Cluster " + clusterId + " enrolled; the bootstrap token in this output works once, until " + Json.cell(enrollment, "tokenExpiresAt") + ".");
        err().flush();
        return ExitCodes.OK;
    }

    /** The fields given, and only those: the cluster id alone asks to enroll a registered cluster again. */
    private ObjectNode request() {
        ObjectNode body = Json.MAPPER.createObjectNode().put("clusterId", cluster);
        if (jurisdiction != null) {
            body.put("jurisdiction", jurisdiction);
        }
        if (site != null) {
            body.put("site", site);
        }
        if (latitude != null) {
            body.put("latitude", latitude).put("longitude", longitude);
        }
        if (!labels.isEmpty()) {
            ObjectNode l = body.putObject("labels");
            labels.forEach(l::put);
        }
        return body;
    }
}
