package io.flotilla.agent;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.net.http.HttpClient;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The agent's Kubernetes client, found the fabric8 way ({@code -Dkubeconfig} or {@code KUBECONFIG},
 * {@code ~/.kube/config}, then the in-cluster service account) and spoken to over the JDK's HTTP
 * client: no event loop and no Netty. Both fabric8's task executor and the HTTP client's run on
 * virtual threads, so a burst of requests (the first reconcile of 200 workloads) leaves no idle
 * pool of platform threads and their stacks behind. Closing it closes the client and that executor.
 */
public final class KubernetesConnection implements AutoCloseable {

    private final ExecutorService tasks;
    private final KubernetesClient client;

    private KubernetesConnection(ExecutorService tasks, KubernetesClient client) {
        this.tasks = tasks;
        this.client = client;
    }

    public static KubernetesConnection open() {
        ExecutorService tasks = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("flotilla-kubernetes-", 0).factory());
        KubernetesClient client = new KubernetesClientBuilder()
                .withHttpClientFactory(new JdkHttpClientFactory() {
                    @Override
                    protected void additionalConfig(HttpClient.Builder builder) {
                        builder.executor(tasks);
                    }
                })
                .withTaskExecutor(tasks)
                .build();
        return new KubernetesConnection(tasks, client);
    }

    public KubernetesClient client() {
        return client;
    }

    @Override
    public void close() {
        client.close();
        tasks.shutdown();
    }
}
