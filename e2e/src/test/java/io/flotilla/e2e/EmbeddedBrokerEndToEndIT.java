package io.flotilla.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/** Control plane with its embedded HiveMQ broker, one agent, fabric8's CRUD mock cluster. */
@Execution(ExecutionMode.CONCURRENT)
class EmbeddedBrokerEndToEndIT {

    @Test
    void workloadIsCreatedUpdatedAndPrunedThroughTheEmbeddedBroker() throws Exception {
        Path workDir = ManagedProcess.freshWorkDir("embedded");
        int mqttPort = ManagedProcess.freePort();
        try (MockKubernetes kube = new MockKubernetes(workDir);
                ControlPlaneProcess cp = ControlPlaneProcess.withEmbeddedBroker(workDir, mqttPort)) {
            new WalkingSkeletonScenario(cp, kube, mqttPort, workDir).run("frankfurt-e2e");
            secretsStayInTheOwnerOnlyDataDirectory(cp);
        }
    }

    /** The admin token and the database password are in owner-only files, and neither reaches the log. */
    private static void secretsStayInTheOwnerOnlyDataDirectory(ControlPlaneProcess cp) throws Exception {
        Path data = cp.dataDir();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).isEqualTo("rwx------");
        for (String secret : List.of("admin-token", "db-password", "db/flotilla.mv.db", "keys/control-plane.key")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve(secret)))).as(secret)
                    .isEqualTo("rw-------");
        }
        String dbPassword = Files.readString(data.resolve("db-password")).strip();
        assertThat(dbPassword).hasSizeGreaterThan(30).isNotEqualTo("flotilla");
        String log = cp.log();
        assertThat(log).contains(data.resolve("admin-token").toString()).doesNotContain(cp.adminToken()).doesNotContain(dbPassword);
    }
}
