package io.flotilla.fleetctl;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code fleetctl audit}: who changed what in the fleet, newest first (an admin token). */
@Command(name = "audit", description = {"Show the audit log: every change made through the API, newest first, with the "
        + "token that made it and the answer it got (needs an admin token).",
        "Pages of --limit records; --all follows the pages to the end."})
final class AuditCommand extends BaseCommand implements Callable<Integer> {

    private static final String PATH = "/api/v1/audit";

    @Option(names = "--actor", paramLabel = "TOKEN-NAME", description = "Only changes made with this token (by its name).")
    String actor;

    @Option(names = "--target", paramLabel = "TEXT", description = "Only changes whose target contains TEXT, e.g. a policy name.")
    String target;

    @Option(names = "--since", paramLabel = "DURATION|INSTANT",
            description = "Only changes since then: a duration back from now (30m, 2h, 7d) or an ISO-8601 instant.")
    String since;

    @Option(names = "--limit", defaultValue = "50", description = "Records per page (1..500, default ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--all", description = "Follow the pages until the oldest matching record.")
    boolean all;

    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() {
        if (limit < 1 || limit > 500) {
            throw new ParameterException(spec.commandLine(), "--limit must be within 1..500, got " + limit);
        }
        String query = "?limit=" + limit + param("actor", actor) + param("target", target)
                + (since == null ? "" : "&from=" + ApiClient.encode(sinceInstant().toString()));
        List<JsonNode> items = new ArrayList<>();
        try (ApiClient client = client()) {
            String next = null;
            do {
                JsonNode page = client.get(PATH + query + (next == null ? "" : "&continue=" + ApiClient.encode(next)));
                page.path("items").forEach(items::add);
                next = Json.text(page, "continueToken");
            } while (all && next != null);
            JsonNode result = Json.array(items);
            if (!printStructured(result)) {
                print(items, next);
            }
        }
        return ExitCodes.OK;
    }

    private void print(List<JsonNode> items, String next) {
        if (items.isEmpty()) {
            out().println("No audit records.");
            out().flush();
            return;
        }
        var table = new Table("TIME", "ACTOR", "ROLE", "METHOD", "TARGET", "REVISION", "STATUS");
        for (JsonNode r : items) {
            table.row(Json.cell(r, "at"), Json.cell(r, "actor"), Json.cell(r, "actorRole"), Json.cell(r, "method"),
                    Json.cell(r, "target"), Json.cell(r, "revision"), Json.cell(r, "status"));
        }
        out().print(table.render());
        if (next != null) {
            out().println("(more: --all, or narrow with --since, --actor, --target)");
        }
        out().flush();
    }

    private Instant sinceInstant() {
        String s = since.strip();
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException notAnInstant) {
            return Durations.parse(s).map(clock.instant()::minus).orElseThrow(() -> new ParameterException(spec.commandLine(),
                    "--since must be a duration such as 30m, 2h or 7d, or an ISO-8601 instant such as 2026-01-31T12:00:00Z; got '"
                            + since + "'"));
        }
    }

    private static String param(String name, String value) {
        return value == null || value.isBlank() ? "" : "&" + name + "=" + ApiClient.encode(value.strip());
    }
}
