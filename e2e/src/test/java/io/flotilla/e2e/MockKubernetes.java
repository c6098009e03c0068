package io.flotilla.e2e;

import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;

/** fabric8's Kubernetes mock API server in CRUD mode on loopback, with a kubeconfig pointing at it. */
final class MockKubernetes implements AutoCloseable {

    private final KubernetesMockServer server;
    private final NamespacedKubernetesClient client;
    private final Path kubeconfig;

    MockKubernetes(Path workDir) {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient();
        kubeconfig = workDir.resolve("kubeconfig");
        try {
            Files.createDirectories(workDir);
            Files.writeString(kubeconfig, """
                    apiVersion: v1
                    kind: Config
                    clusters:
                    - name: mock
                      cluster:
                        server: %s
                    users:
                    - name: mock
                      user:
                        token: mock-token
                    contexts:
                    - name: mock
                      context:
                        cluster: mock
                        user: mock
                        namespace: default
                    current-context: mock
                    """.formatted(client.getMasterUrl().toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    NamespacedKubernetesClient client() {
        return client;
    }

    Path kubeconfig() {
        return kubeconfig;
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
