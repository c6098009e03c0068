package io.flotilla.agent;

import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The agent's Kubernetes client ({@link KubernetesConnection}) as a CDI bean of the Quarkus build. */
@ApplicationScoped
class KubernetesClientProducer {

    private KubernetesConnection connection;

    @Produces
    @Singleton
    KubernetesClient kubernetesClient() {
        connection = KubernetesConnection.open();
        return connection.client();
    }

    void close(@Disposes KubernetesClient client) {
        connection.close();
    }
}
