package io.flotilla.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Control plane with its embedded HiveMQ broker, one agent, fabric8's CRUD mock cluster. The control plane logs JSON
 * here ({@code quarkus.log.console.json.enabled=true}), so that its log is also checked in that format.
 */
@Execution(ExecutionMode.CONCURRENT)
class EmbeddedBrokerEndToEndIT {

    @Test
    void workloadIsCreatedUpdatedAndPrunedThroughTheEmbeddedBroker() throws Exception {
        Path workDir = ManagedProcess.freshWorkDir("embedded");
        int mqttPort = ManagedProcess.freePort();
        try (MockKubernetes kube = new MockKubernetes(workDir);
                ControlPlaneProcess cp = ControlPlaneProcess.withEmbeddedBroker(workDir, mqttPort,
                        List.of("-Dquarkus.log.console.json.enabled=true"))) {
            new WalkingSkeletonScenario(cp, kube, mqttPort, workDir).run("frankfurt-e2e");
            secretsStayInTheOwnerOnlyDataDirectory(cp);
            everyLogRecordIsOneJsonObject(cp.log());
        }
    }

    /** Lines of the JVM itself (its warnings at start) aside, the log is JSON objects with a logger, level and message. */
    private static void everyLogRecordIsOneJsonObject(String log) throws Exception {
        ObjectMapper json = new ObjectMapper();
        assertThat(log.lines().filter(l -> l.matches("^\\d{4}-\\d\\d-\\d\\d .*"))).as("plain-text log records").isEmpty();
        List<JsonNode> records = new ArrayList<>();
        for (String line : log.lines().filter(l -> l.startsWith("{")).toList()) {
            records.add(json.readTree(line));
        }
        assertThat(records).isNotEmpty().allSatisfy(r -> assertThat(r.has("timestamp") && r.has("loggerName")
                && r.has("level") && r.has("message") && r.has("mdc")).as(r.toString()).isTrue());
        assertThat(records).anySatisfy(r -> assertThat(r.get("message").asText()).contains("Installed features"));
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
