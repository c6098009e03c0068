package io.flotilla.e2e;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Interop: the same scenario through a real Mosquitto instead of the embedded broker. CI sets
 * FLOTILLA_REQUIRE_MOSQUITTO=1 (and installs the Debian package), so there a missing broker fails
 * the build; on a developer machine without Mosquitto the test is skipped and says why.
 */
class MosquittoEndToEndIT {

    @Test
    void workloadIsCreatedUpdatedAndPrunedThroughMosquitto() throws Exception {
        Optional<Path> binary = Mosquitto.binary();
        if (binary.isEmpty()) {
            if ("1".equals(System.getenv("FLOTILLA_REQUIRE_MOSQUITTO"))) {
                fail("mosquitto is not installed: apt-get install mosquitto");
            }
            assumeTrue(false, "mosquitto is not installed (apt-get install mosquitto); interop test skipped");
        }
        Path workDir = ManagedProcess.freshWorkDir("mosquitto");
        try (Mosquitto mosquitto = Mosquitto.start(binary.get(), workDir);
                MockKubernetes kube = new MockKubernetes(workDir);
                ControlPlaneProcess cp = ControlPlaneProcess.withExternalBroker(workDir, mosquitto.port())) {
            new WalkingSkeletonScenario(cp, kube, mosquitto.port(), workDir).run("paris-e2e");
        }
    }
}
