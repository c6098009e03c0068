package io.flotilla.e2e;

import io.flotilla.bench.soak.SoakControlPlane;
import java.io.IOException;
import java.nio.file.Path;

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
        return SoakControlPlane.buildForPostgres(Path.of(ProcessHandle.current().info().command().orElseThrow()), packaged, workDir);
    }
}
