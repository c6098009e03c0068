package io.flotilla.agent;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.net.http.HttpClient;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The agent's Kubernetes client, found the fabric8 way ({@code -Dkubeconfig} or {@code KUBECONFIG},
 * {@code ~/.kube/config}, then the in-cluster service account) and spoken to over the JDK's HTTP
 * client: no event loop and no Netty. Both fabric8's task executor and the HTTP client's run on
 * virtual threads, so a burst of requests (the first reconcile of 200 workloads) leaves no idle
 * pool of platform threads and their stacks behind.
 */
@ApplicationScoped
class KubernetesClientProducer {

    private final ExecutorService tasks = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("flotilla-kubernetes-", 0).factory());

    @Produces
    @Singleton
    KubernetesClient kubernetesClient() {
        return new KubernetesClientBuilder()
                .withHttpClientFactory(new JdkHttpClientFactory() {
                    @Override
                    protected void additionalConfig(HttpClient.Builder builder) {
                        builder.executor(tasks);
                    }
                })
                .withTaskExecutor(tasks)
                .build();
    }

    void close(@Disposes KubernetesClient client) {
        client.close();
        tasks.shutdown();
    }
}
