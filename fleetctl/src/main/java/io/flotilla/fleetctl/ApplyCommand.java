package io.flotilla.fleetctl;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fleetctl apply -f FILE|DIR [--dry-run] [--prune]}. */
@Command(name = "apply", description = {
        "Apply policy files to the control plane (validated locally first).",
        "Nothing is sent when any file is invalid; then one request per file.",
        "Prints each policy's action, revision and chosen clusters."})
final class ApplyCommand extends BaseCommand implements Callable<Integer> {

    @Option(names = {"-f", "--filename"}, required = true, paramLabel = "FILE|DIR",
            description = "A policy file, or a directory whose *.yaml, *.yml and *.json files form one set.")
    Path path;

    @Option(names = "--dry-run", description = "Ask the server what would change (placement included) and print the diffs; store nothing.")
    boolean dryRun;

    @Option(names = "--prune", description = "Delete the server's policies that the set does not name. Use with a directory "
            + "holding the whole fleet's policies; with --dry-run only says what would be deleted.")
    boolean prune;

    @Override
    public Integer call() {
        return new PolicyApply(this, PolicyApply.Mode.APPLY, dryRun, prune).run(path);
    }
}
