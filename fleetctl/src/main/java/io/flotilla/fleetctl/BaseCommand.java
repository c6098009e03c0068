package io.flotilla.fleetctl;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.net.URI;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** What every subcommand shares: the root's options, stdout/stderr, and the API client. */
abstract class BaseCommand {

    @Spec
    CommandSpec spec;

    Fleetctl root() {
        return (Fleetctl) spec.root().userObject();
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    OutputFormat output() {
        return root().output();
    }

    ApiClient client() {
        URI server = root().serverUri(spec.commandLine());
        return new ApiClient(server, root().resolvedToken(server));
    }

    /** Prints a JSON answer as JSON or YAML; false in table mode, where the caller renders it. */
    boolean printStructured(JsonNode node) {
        switch (output()) {
            case json -> out().print(Json.toJson(node));
            case yaml -> out().print(Json.toYaml(node));
            default -> {
                return false;
            }
        }
        out().flush();
        return true;
    }
}
