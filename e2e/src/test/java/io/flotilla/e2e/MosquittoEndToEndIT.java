package io.flotilla.e2e;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Interop: the same scenario through a real Mosquitto instead of the embedded broker, with the dynamic
 * security plugin: the control plane creates the enrolled agent's broker user there. CI sets
 * FLOTILLA_REQUIRE_MOSQUITTO=1 (and installs the Debian package), so there a missing broker fails
 * the build; on a developer machine without Mosquitto (or its plugin) the test is skipped and says why.
 */
@Execution(ExecutionMode.CONCURRENT)
class MosquittoEndToEndIT {

    @Test
    void workloadIsCreatedUpdatedAndPrunedThroughMosquitto() throws Exception {
        Path binary = Mosquitto.binaryOrSkip("interop test");
        Path workDir = ManagedProcess.freshWorkDir("mosquitto");
        try (Mosquitto mosquitto = Mosquitto.start(binary, workDir);
                MockKubernetes kube = new MockKubernetes(workDir);
                ControlPlaneProcess cp = ControlPlaneProcess.withExternalBroker(workDir, mosquitto)) {
            new WalkingSkeletonScenario(cp, kube, mosquitto.port(), workDir).run("paris-e2e");
        }
    }
}
