package io.flotilla.fleetctl;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code fleetctl explain POLICY}: why each cluster was chosen or left out. */
@Command(name = "explain", description = {
        "Explain a policy's placement: why each cluster was chosen or left out.",
        "Shows the chosen clusters with replicas, score and each plugin's score,",
        "then the clusters left out with their reasons (the first 100 by cluster id,",
        "and how many per reason for all of them)."})
final class ExplainCommand extends BaseCommand implements Callable<Integer> {

    @Parameters(paramLabel = "POLICY", description = "The policy's name.")
    String policy;

    @Override
    public Integer call() {
        JsonNode placement;
        try (ApiClient client = client()) {
            placement = client.get(PolicyApply.POLICIES + "/" + ApiClient.encode(policy) + "/placement");
        }
        if (printStructured(placement)) {
            return ExitCodes.OK;
        }
        PrintWriter out = out();
        JsonNode chosen = placement.path("chosen");
        JsonNode excluded = placement.path("excluded");
        String head = "Policy " + Json.cell(placement, "policy") + " (revision " + Json.cell(placement, "revision") + "): ";
        if (placement.path("satisfied").asBoolean(false)) {
            out.println(head + "satisfied, " + PolicyFiles.plural(chosen.size(), "cluster", "clusters") + " chosen");
        } else {
            String reason = Json.text(placement, "reason");
            out.println(head + "NOT satisfied" + (reason == null ? "" : ": " + reason));
        }
        out.println();
        if (chosen.isEmpty()) {
            out.println("Chosen: none");
        } else {
            out.println("Chosen (best first):");
            var plugins = new LinkedHashSet<String>();
            chosen.forEach(c -> c.path("scores").fieldNames().forEachRemaining(plugins::add));
            var headers = new ArrayList<>(List.of("CLUSTER", "JURISDICTION", "REPLICAS", "SCORE"));
            plugins.forEach(p -> headers.add(p.toUpperCase(java.util.Locale.ROOT)));
            var table = new Table(headers.toArray(String[]::new));
            for (JsonNode c : chosen) {
                var cells = new ArrayList<Object>(List.of(Json.cell(c, "cluster"), Json.cell(c, "jurisdiction"),
                        Json.number(c.path("replicas")), Json.number(c.path("score"))));
                plugins.forEach(p -> cells.add(Json.number(c.path("scores").path(p))));
                table.row(cells.toArray());
            }
            table.render().lines().forEach(l -> out.println("  " + l));
        }
        out.println();
        int excludedTotal = Math.max(placement.path("excludedTotal").asInt(0), excluded.size());
        if (excluded.isEmpty()) {
            out.println("Left out: none");
        } else {
            if (excludedTotal > excluded.size()) {
                var bySource = new ArrayList<String>();
                placement.path("excludedBySource").properties()
                        .forEach(e -> bySource.add(e.getKey() + " " + e.getValue().asInt()));
                out.println("Left out: " + PolicyFiles.plural(excludedTotal, "cluster", "clusters") + " (by reason: "
                        + String.join(", ", bySource) + "); the first " + excluded.size() + " by cluster id:");
            } else {
                out.println("Left out:");
            }
            var table = new Table("CLUSTER", "JURISDICTION", "REASONS");
            for (JsonNode e : excluded) {
                List<String> reasons = Json.texts(e.path("reasons"));
                table.row(Json.cell(e, "cluster"), Json.cell(e, "jurisdiction"), reasons.isEmpty() ? "-" : String.join("; ", reasons));
            }
            table.render().lines().forEach(l -> out.println("  " + l));
        }
        out.flush();
        return ExitCodes.OK;
    }
}
