package io.flotilla.e2e;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Control plane with its embedded HiveMQ broker, one agent, fabric8's CRUD mock cluster. */
class EmbeddedBrokerEndToEndIT {

    @Test
    void workloadIsCreatedUpdatedAndPrunedThroughTheEmbeddedBroker() throws Exception {
        Path workDir = ManagedProcess.freshWorkDir("embedded");
        int mqttPort = ManagedProcess.freePort();
        try (MockKubernetes kube = new MockKubernetes(workDir);
                ControlPlaneProcess cp = ControlPlaneProcess.withEmbeddedBroker(workDir, mqttPort)) {
            new WalkingSkeletonScenario(cp, kube, mqttPort, workDir).run("frankfurt-e2e");
        }
    }
}
