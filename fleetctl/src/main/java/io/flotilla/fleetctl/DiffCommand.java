package io.flotilla.fleetctl;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fleetctl diff -f FILE|DIR}: apply --dry-run that prints only what would change. */
@Command(name = "diff", description = {
        "Show what applying the policy files would change (nothing is stored).",
        "Prints the diff of each policy that would be created or updated;",
        "unchanged policies are only counted."})
final class DiffCommand extends BaseCommand implements Callable<Integer> {

    @Option(names = {"-f", "--filename"}, required = true, paramLabel = "FILE|DIR",
            description = "A policy file, or a directory whose *.yaml, *.yml and *.json files form one set.")
    Path path;

    @Option(names = "--prune", description = "Also list the server's policies that the set does not name (apply --prune would delete them).")
    boolean prune;

    @Override
    public Integer call() {
        return new PolicyApply(this, PolicyApply.Mode.DIFF, true, prune).run(path);
    }
}
