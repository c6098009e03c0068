package io.flotilla.fleetctl;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.policy.FleetPolicy;
import io.flotilla.policy.ImagePolicy;
import io.flotilla.policy.PolicyError;
import io.flotilla.policy.PolicySet;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fleetctl validate -f FILE|DIR}: offline, never talks to a server. */
@Command(name = "validate", description = {
        "Validate policy files offline (no server needed).",
        "Prints each error as file:line:column: field: message on stderr; exits 1 when there is any.",
        "Warnings (file:line:column: warning: field: message) go to stderr too and do not fail validation."},
        footerHeading = "%nEnvironment:%n",
        footer = {
                "  " + ValidateCommand.REGISTRIES_VARIABLE + "  default for --allowed-registry (comma-separated)",
                "  " + ValidateCommand.DIGEST_VARIABLE + "      default for --require-digest (true or false)"})
final class ValidateCommand extends BaseCommand implements Callable<Integer> {

    /** The control plane's own variables for flotilla.policy.image.*, so that CI can share its settings. */
    static final String REGISTRIES_VARIABLE = "FLOTILLA_POLICY_IMAGE_ALLOWED_REGISTRIES";
    static final String DIGEST_VARIABLE = "FLOTILLA_POLICY_IMAGE_REQUIRE_DIGEST";

    @Option(names = {"-f", "--filename"}, required = true, paramLabel = "FILE|DIR",
            description = "A policy file, or a directory whose *.yaml, *.yml and *.json files form one set.")
    Path path;

    @Option(names = "--allowed-registry", split = ",", paramLabel = "REGISTRY",
            description = "Refuse images from any other registry, as the control plane's flotilla.policy.image.allowed-registries "
                    + "does: a host (ghcr.io) or a host with a path prefix (docker.io/vllm). Repeatable. Default: $"
                    + REGISTRIES_VARIABLE + ", else any registry.")
    List<String> allowedRegistries;

    @Option(names = "--require-digest", negatable = true,
            description = "Refuse images not pinned by digest (repository@sha256:...), as flotilla.policy.image.require-digest "
                    + "does. Default: $" + DIGEST_VARIABLE + ", else false.")
    Boolean requireDigest;

    @Override
    public Integer call() {
        Environment env = root().environment();
        List<String> registries = allowedRegistries != null ? allowedRegistries
                : env.variable(REGISTRIES_VARIABLE).map(v -> List.of(v.split(","))).orElse(List.of());
        boolean digest = requireDigest != null ? requireDigest
                : env.variable(DIGEST_VARIABLE).map(Boolean::parseBoolean).orElse(false);
        PolicySet set = PolicyFiles.validate(path, new ImagePolicy(registries, digest));
        int files = (int) set.errors().stream().map(PolicyError::file).distinct().count();
        if (output() != OutputFormat.table) {
            ObjectNode result = Json.MAPPER.createObjectNode();
            result.put("valid", set.isValid());
            ArrayNode names = result.putArray("policies");
            set.policies().forEach(p -> names.add(p.name()));
            ArrayNode errors = result.putArray("errors");
            for (PolicyError e : set.errors()) {
                errors.addObject().put("file", e.file()).put("line", e.line()).put("column", e.column())
                        .put("path", e.path()).put("message", e.message()).put("text", e.format());
            }
            ArrayNode warnings = result.putArray("warnings");
            for (PolicyError w : set.warnings()) {
                warnings.addObject().put("file", w.file()).put("line", w.line()).put("column", w.column())
                        .put("path", w.path()).put("message", w.message()).put("text", w.formatWarning());
            }
            printStructured(result);
        } else if (!set.warnings().isEmpty()) {
            err().print(set.formatWarnings());
            err().flush();
        }
        if (!set.isValid()) {
            if (output() == OutputFormat.table) {
                err().print(set.formatErrors());
            }
            err().println(PolicyFiles.plural(set.errors().size(), "error", "errors") + " in "
                    + PolicyFiles.plural(files, "file", "files") + "; " + path + " is not valid");
            err().flush();
            return ExitCodes.REJECTED;
        }
        if (output() == OutputFormat.table) {
            out().println(PolicyFiles.plural(set.policies().size(), "policy", "policies") + " valid"
                    + (set.policies().isEmpty() ? "" : ": " + String.join(", ", set.policies().stream().map(FleetPolicy::name).toList()))
                    + (set.warnings().isEmpty() ? "" : "; " + PolicyFiles.plural(set.warnings().size(), "warning", "warnings")));
            out().flush();
        }
        return ExitCodes.OK;
    }
}
