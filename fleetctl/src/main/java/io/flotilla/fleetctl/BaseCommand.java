package io.flotilla.fleetctl;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.net.URI;
import java.util.Set;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
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

    /** The formats this command prints; -o with any other is a usage error. */
    Set<OutputFormat> outputFormats() {
        return OutputFormat.TABULAR;
    }

    /** What the command prints without -o. */
    OutputFormat defaultOutput() {
        return OutputFormat.table;
    }

    OutputFormat output() {
        OutputFormat format = root().output().orElse(defaultOutput());
        if (!outputFormats().contains(format)) {
            throw new ParameterException(spec.commandLine(), spec.qualifiedName(" ") + " does not print -o " + format + "; it prints " + String.join(", ", outputFormats().stream().map(Enum::name).toList()));
        }
        return format;
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
