package io.flotilla.policy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

final class TestFiles {
    private TestFiles() {
    }

    static Path resourceDir(String name) {
        try {
            return Path.of(TestFiles.class.getResource("/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The policy files in a test resource folder, in name order. */
    static List<Path> policyFiles(String dir) {
        try (Stream<Path> s = Files.list(resourceDir(dir))) {
            return s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The checkout's root: the build passes it in; a run from the IDE starts in the module folder. */
    static Path repoRoot() {
        String root = System.getProperty("flotilla.repo.root");
        return root != null ? Path.of(root) : Path.of("..").toAbsolutePath().normalize();
    }
}
