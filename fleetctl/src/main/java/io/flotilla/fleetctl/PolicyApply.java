package io.flotilla.fleetctl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.policy.FleetPolicy;
import io.flotilla.policy.PolicyError;
import io.flotilla.policy.PolicySet;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What {@code apply} and {@code diff} share: validate the set locally, then POST each file to
 * {@code /api/v1/policies}, then optionally prune the server's policies that the set no longer names.
 */
final class PolicyApply {

    static final String POLICIES = "/api/v1/policies";
    static final String CONTENT_TYPE = "application/yaml";

    enum Mode { APPLY, DIFF }

    private final BaseCommand command;
    private final Mode mode;
    private final boolean dryRun;
    private final boolean prune;

    PolicyApply(BaseCommand command, Mode mode, boolean dryRun, boolean prune) {
        this.command = command;
        this.mode = mode;
        this.dryRun = dryRun;
        this.prune = prune;
    }

    int run(Path path) {
        PrintWriter out = command.out();
        PrintWriter err = command.err();
        PolicySet set = PolicyFiles.validate(path);
        if (!set.warnings().isEmpty()) {
            err.print(set.formatWarnings());
            err.flush();
        }
        if (!set.isValid()) {
            err.print(set.formatErrors());
            long files = set.errors().stream().map(PolicyError::file).distinct().count();
            err.println(PolicyFiles.plural(set.errors().size(), "error", "errors") + " in "
                    + PolicyFiles.plural((int) files, "file", "files") + "; nothing was sent to the server");
            err.flush();
            return ExitCodes.REJECTED;
        }
        boolean table = command.output() == OutputFormat.table;
        ObjectNode combined = Json.MAPPER.createObjectNode();
        combined.put("dryRun", dryRun);
        ArrayNode allResults = combined.putArray("results");
        int unchanged = 0;
        int changed = 0;
        try (ApiClient client = command.client()) {
            for (Path file : PolicyFiles.files(path)) {
                String text = PolicyFiles.read(file);
                if (PolicyFiles.count(file.toString(), text) == 0) {
                    continue; // e.g. a file of comments: nothing to send
                }
                String source = PolicyFiles.sourceName(file, path, command.root().environment().workingDirectory());
                JsonNode answer = client.post(POLICIES + "?dryRun=" + dryRun + "&source=" + ApiClient.encode(source), CONTENT_TYPE, text);
                for (JsonNode result : answer.path("results")) {
                    allResults.add(result);
                    boolean isUnchanged = "unchanged".equals(Json.text(result, "action"));
                    if (isUnchanged) {
                        unchanged++;
                    } else {
                        changed++;
                    }
                    if (table) {
                        if (mode == Mode.APPLY) {
                            out.println(summary(result));
                            if (dryRun) {
                                printDiff(out, result);
                            }
                        } else if (!isUnchanged) {
                            out.println("# " + summary(result));
                            printDiff(out, result);
                        }
                        out.flush();
                    }
                }
            }
            if (prune) {
                ArrayNode pruned = combined.putArray("pruned");
                Set<String> keep = set.policies().stream().map(FleetPolicy::name).collect(Collectors.toSet());
                for (String name : serverPolicies(client)) {
                    if (keep.contains(name)) {
                        continue;
                    }
                    pruned.add(name);
                    changed++;
                    if (!dryRun) {
                        client.delete(POLICIES + "/" + ApiClient.encode(name));
                    }
                    if (table) {
                        out.println(mode == Mode.DIFF ? "# " + name + " would be deleted (not in " + path + ")"
                                : dryRun ? name + " would be deleted (dry run)" : name + " deleted");
                        out.flush();
                    }
                }
            }
        }
        if (!table) {
            command.printStructured(combined);
        } else if (mode == Mode.DIFF) {
            out.println(changed == 0 ? "No changes." : PolicyFiles.plural(changed, "change", "changes")
                    + (unchanged == 0 ? "" : "; " + PolicyFiles.plural(unchanged, "policy", "policies") + " unchanged"));
        } else if (dryRun) {
            out.println("Dry run: nothing was changed on the server.");
        }
        out.flush();
        return ExitCodes.OK;
    }

    private static List<String> serverPolicies(ApiClient client) {
        var names = new ArrayList<String>();
        for (JsonNode p : client.get(POLICIES)) {
            String name = Json.text(p, "name");
            if (name != null) {
                names.add(name);
            }
        }
        return names;
    }

    /** {@code chat-eu created (revision 1): 3 clusters [fra-1, par-1, ams-1]}. */
    static String summary(JsonNode result) {
        var sb = new StringBuilder();
        sb.append(Json.cell(result, "name")).append(' ').append(Json.cell(result, "action"));
        String revision = Json.text(result, "revision");
        if (revision != null) {
            sb.append(" (revision ").append(revision).append(')');
        }
        JsonNode placement = result.path("placement");
        if (placement.isObject()) {
            List<String> chosen = new ArrayList<>();
            placement.path("chosen").forEach(c -> chosen.add(Json.cell(c, "cluster")));
            sb.append(": ").append(PolicyFiles.plural(chosen.size(), "cluster", "clusters"));
            if (!chosen.isEmpty()) {
                sb.append(" [").append(String.join(", ", chosen)).append(']');
            }
            if (!placement.path("satisfied").asBoolean(true)) {
                String reason = Json.text(placement, "reason");
                sb.append("; not satisfied").append(reason == null ? "" : ": " + reason);
            }
        }
        return sb.toString();
    }

    private static void printDiff(PrintWriter out, JsonNode result) {
        String diff = Json.text(result, "diff");
        if (diff != null && !diff.isBlank()) {
            out.print(diff.endsWith("\n") ? diff : diff + "\n");
        }
    }
}
