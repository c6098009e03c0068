package io.flotilla.e2e;

import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.flotilla.agent.Fixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * fabric8's Kubernetes mock API server in CRUD mode on loopback, with a kubeconfig pointing at it; optionally slow to
 * answer writes, so that an agent's apply takes long enough to be interrupted.
 */
final class MockKubernetes implements AutoCloseable {

    /** Answers each create, update and patch only after a delay, and counts those it was sent. */
    private static final class SlowWrites extends KubernetesCrudDispatcher {

        private final Duration delay;
        private final AtomicInteger writes = new AtomicInteger();

        SlowWrites(Duration delay) {
            this.delay = delay;
        }

        private void slow() {
            writes.incrementAndGet();
            LockSupport.parkNanos(delay.toNanos());
        }

        @Override
        public MockResponse handleCreate(RecordedRequest request) {
            slow();
            return super.handleCreate(request);
        }

        @Override
        public MockResponse handleUpdate(RecordedRequest request) {
            slow();
            return super.handleUpdate(request);
        }

        @Override
        public MockResponse handlePatch(RecordedRequest request) {
            slow();
            return super.handlePatch(request);
        }
    }

    private final SlowWrites dispatcher;
    private final KubernetesMockServer server;
    private final NamespacedKubernetesClient client;
    private final Path kubeconfig;

    MockKubernetes(Path workDir) {
        this(workDir, Duration.ZERO);
    }

    /** Answering every write after {@code writeDelay}. */
    MockKubernetes(Path workDir, Duration writeDelay) {
        dispatcher = new SlowWrites(writeDelay);
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient();
        kubeconfig = workDir.resolve("kubeconfig");
        try {
            Files.createDirectories(workDir);
            Files.writeString(kubeconfig, Fixtures.kubeconfig(client.getMasterUrl()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The creates, updates and patches sent so far (counted when they arrive, before they are answered). */
    int writes() {
        return dispatcher.writes.get();
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
