package io.flotilla.fleetctl;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code fleetctl keys [rotate]}: the control plane's desired-state signing keys and their rotation (an admin token). */
@Command(name = "keys", description = {"Show the control plane's signing keys (desired state is signed with the active one) "
        + "and the rotation in progress, if any (needs an admin token)."},
        subcommands = KeysCommand.Rotate.class)
final class KeysCommand extends BaseCommand implements Callable<Integer> {

    static final String PATH = "/api/v1/control-plane/signing-keys";
    private static final int NAMES_SHOWN = 10;

    @Override
    public Integer call() {
        JsonNode keys;
        try (ApiClient client = client()) {
            keys = client.get(PATH);
        }
        if (!printStructured(keys)) {
            render(keys).forEach(out()::println);
            out().flush();
        }
        return ExitCodes.OK;
    }

    static List<String> render(JsonNode answer) {
        var lines = new ArrayList<String>();
        var table = new Table("KEY ID", "STATE", "CREATED");
        answer.path("keys").forEach(k -> table.row(Json.cell(k, "keyId"), Json.cell(k, "state"), Json.cell(k, "createdAt")));
        if (table.isEmpty()) {
            lines.add("No signing keys.");
        } else {
            lines.addAll(table.render().lines().toList());
        }
        if (rotating(answer)) {
            lines.add(progress(answer.path("rotation")));
        }
        return lines;
    }

    static boolean rotating(JsonNode answer) {
        return answer.path("rotation").isObject();
    }

    /** "Rotation to KEY: PHASE, 20/24 clusters acknowledged; waiting for: edge-3, ..." */
    static String progress(JsonNode rotation) {
        List<String> pending = Json.texts(rotation.path("pending"));
        return "Rotation to " + Json.cell(rotation, "newKeyId") + ": " + Json.cell(rotation, "phase") + ", "
                + Json.number(rotation.path("acknowledged")) + "/" + Json.number(rotation.path("clusters")) + " clusters acknowledged"
                + (pending.isEmpty() ? "" : "; waiting for: " + names(pending));
    }

    /** The first ten names, then how many more. */
    static String names(List<String> names) {
        String shown = String.join(", ", names.subList(0, Math.min(NAMES_SHOWN, names.size())));
        return names.size() <= NAMES_SHOWN ? shown : shown + " and " + (names.size() - NAMES_SHOWN) + " more";
    }

    static String activeKeyId(JsonNode answer) {
        for (JsonNode k : answer.path("keys")) {
            if ("active".equals(Json.text(k, "state"))) {
                return Json.cell(k, "keyId");
            }
        }
        return null;
    }

    @Command(name = "rotate", description = {"Start a rotation to a new signing key: the control plane distributes the new "
            + "key to every cluster, switches to it once all have acknowledged, and retires the old one.",
            "Without --wait, prints the rotation's status and returns; with --wait, follows it to the end (exit 3 when "
                    + "--timeout passes first, naming the clusters that have not acknowledged)."})
    static final class Rotate extends BaseCommand implements Callable<Integer> {

        @Option(names = "--wait", description = "Follow the rotation until it is done, printing its progress as it changes.")
        boolean wait;

        @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10m",
                description = "How long --wait waits: 30s, 10m, 1h (default ${DEFAULT-VALUE}).")
        String timeout;

        @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "2s",
                description = "How often --wait asks for the rotation's status (default ${DEFAULT-VALUE}).")
        String interval;

        @Override
        public Integer call() throws InterruptedException {
            Duration limit = duration("--timeout", timeout);
            Duration every = duration("--interval", interval);
            boolean table = output() == OutputFormat.table;
            try (ApiClient client = client()) {
                JsonNode answer = client.post(PATH + "/rotate", "application/json", "");
                if (!wait) {
                    if (!printStructured(answer)) {
                        render(answer).forEach(out()::println);
                        out().flush();
                    }
                    return ExitCodes.OK;
                }
                // in json and yaml, stdout carries only the final answer; the progress goes to stderr
                PrintWriter progress = table ? out() : err();
                if (table) {
                    render(answer).forEach(out()::println);
                    out().flush();
                }
                String oldKeyId = activeKeyId(answer);
                String newKeyId = rotating(answer) ? Json.cell(answer.path("rotation"), "newKeyId") : null;
                String shown = rotating(answer) ? progress(answer.path("rotation")) : null;
                long deadline = System.nanoTime() + limit.toNanos();
                while (rotating(answer)) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw timedOut(answer, limit);
                    }
                    Thread.sleep(Duration.ofNanos(Math.min(every.toNanos(), left)));
                    answer = client.get(PATH);
                    if (rotating(answer)) {
                        String line = progress(answer.path("rotation"));
                        if (!line.equals(shown)) {
                            progress.println(line);
                            progress.flush();
                            shown = line;
                        }
                    }
                }
                printStructured(answer);
                String active = Objects.requireNonNullElse(activeKeyId(answer), newKeyId);
                progress.println("Signing key is now " + active + (oldKeyId == null || oldKeyId.equals(active) ? "." : "; " + oldKeyId + " retired."));
                progress.flush();
                return ExitCodes.OK;
            }
        }

        private CliException timedOut(JsonNode answer, Duration limit) {
            JsonNode rotation = answer.path("rotation");
            List<String> pending = Json.texts(rotation.path("pending"));
            return new CliException(ExitCodes.UNAVAILABLE, "the rotation to key " + Json.cell(rotation, "newKeyId") + " did not finish within "
                    + Durations.format(limit) + ": " + Json.cell(rotation, "phase") + ", " + Json.number(rotation.path("acknowledged")) + "/"
                    + Json.number(rotation.path("clusters")) + " clusters acknowledged"
                    + (pending.isEmpty() ? "" : "; not acknowledged: " + names(pending))
                    + ". It goes on on the server; fleetctl keys shows its progress");
        }

        private Duration duration(String option, String value) {
            return Durations.parse(value).filter(d -> !d.isZero())
                    .orElseThrow(() -> new ParameterException(spec.commandLine(), option + " must be a duration such as 30s, 10m or 1h; got '" + value + "'"));
        }
    }
}
