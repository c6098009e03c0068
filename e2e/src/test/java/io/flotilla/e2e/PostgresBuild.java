package io.flotilla.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The control plane built for PostgreSQL. The database kind is fixed at build time; the control plane is
 * packaged as a Quarkus mutable jar, so a copy of it is re-augmented for PostgreSQL by running it once with
 * {@code -Dquarkus.launch.rebuild=true -Dquarkus.datasource.db-kind=postgresql} (the H2 package the other
 * tests use stays as it is).
 */
final class PostgresBuild {

    private PostgresBuild() {
    }

    /** The build made by the first test that asked, for the tests of this JVM (the packaged jar does not change). */
    private static Path prepared;

    /**
     * The quarkus-run.jar of the application re-augmented for PostgreSQL: copied under {@code workDir} and rebuilt
     * the first time it is asked for in this JVM, the same build afterwards.
     */
    static synchronized Path prepare(Path workDir) throws IOException, InterruptedException {
        if (prepared == null) {
            prepared = build(workDir);
        }
        return prepared;
    }

    private static Path build(Path workDir) throws IOException, InterruptedException {
        Path packaged = ManagedProcess.jar("flotilla.control-plane.jar").getParent();
        // the rebuild writes to quarkus-app under its working directory: copy under that name and run it there
        Path buildDir = workDir.resolve("control-plane-postgresql");
        Path copy = buildDir.resolve("quarkus-app");
        try (Stream<Path> files = Files.walk(packaged)) {
            for (Path source : files.toList()) {
                Path target = copy.resolve(packaged.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
        Path jar = copy.resolve("quarkus-run.jar");
        List<String> command = new ArrayList<>(ManagedProcess.javaJar(jar,
                List.of("-Dquarkus.launch.rebuild=true", "-Dquarkus.datasource.db-kind=postgresql")));
        command.set(1, "-Xmx512m");
        ManagedProcess rebuild = ManagedProcess.start("control-plane-rebuild", command, Map.of(), buildDir);
        if (rebuild.waitForExit(5, TimeUnit.MINUTES).orElse(-1) != 0) {
            rebuild.close();
            throw new IllegalStateException("re-augmenting the control plane for PostgreSQL failed:\n" + rebuild.logTail());
        }
        return jar;
    }
}
