package io.flotilla.fleetctl;

import io.flotilla.policy.ImagePolicy;
import io.flotilla.policy.PolicyParser;
import io.flotilla.policy.PolicySet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** The {@code -f FILE|DIR} argument: local validation, and the files that apply sends one by one. */
final class PolicyFiles {

    private static final PolicyParser PARSER = PolicyParser.standard();

    private PolicyFiles() {
    }

    /** The whole set, validated offline as the server would: names unique across every file. */
    static PolicySet validate(Path fileOrDirectory) {
        return PARSER.parse(fileOrDirectory);
    }

    /** As {@link #validate(Path)}, also refusing images that {@code images} does not allow. */
    static PolicySet validate(Path fileOrDirectory, ImagePolicy images) {
        return PARSER.withImagePolicy(images).parse(fileOrDirectory);
    }

    /** How many policies one file holds (for skipping files with none, such as a file of comments). */
    static int count(String name, String text) {
        return PARSER.parse(name, text).policies().size();
    }

    /** The files the parser reads for this argument, in the same (name) order. */
    static List<Path> files(Path fileOrDirectory) {
        if (!Files.isDirectory(fileOrDirectory)) {
            return List.of(fileOrDirectory);
        }
        try (Stream<Path> list = Files.list(fileOrDirectory)) {
            return list.filter(Files::isRegularFile).filter(PolicyFiles::isPolicyFileName).sorted().toList();
        } catch (IOException e) {
            throw new CliException(ExitCodes.REJECTED, "cannot list " + fileOrDirectory + ": " + e.getMessage());
        }
    }

    private static boolean isPolicyFileName(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json");
    }

    /**
     * The {@code source} the server records for a file: its path relative to the working directory when it
     * lies below it (as in git), else relative to the parent of the {@code -f} argument; always with '/'.
     */
    static String sourceName(Path file, Path argument, Path workingDirectory) {
        Path abs = file.toAbsolutePath().normalize();
        Path rel;
        if (abs.startsWith(workingDirectory)) {
            rel = workingDirectory.relativize(abs);
        } else {
            Path argAbs = argument.toAbsolutePath().normalize();
            Path base = argAbs.getParent() == null ? argAbs : argAbs.getParent();
            rel = abs.startsWith(base) ? base.relativize(abs) : abs.getFileName();
        }
        return rel.toString().replace('\\', '/');
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new CliException(ExitCodes.REJECTED, "cannot read " + file + ": " + e.getMessage());
        }
    }

    static String plural(int n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }
}
