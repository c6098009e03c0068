package io.flotilla.agent;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Starts the agent ({@link AgentRuntime}) when Quarkus starts, and closes it cleanly when Quarkus stops. */
@ApplicationScoped
public class AgentLifecycle {

    private final AgentConfig config;
    private final KubernetesClient kubernetes;
    private final String version;
    private AgentRuntime runtime;

    AgentLifecycle(AgentConfig config, KubernetesClient kubernetes,
            @ConfigProperty(name = "quarkus.application.version", defaultValue = "dev") String version) {
        this.config = config;
        this.kubernetes = kubernetes;
        this.version = version;
    }

    void onStart(@Observes StartupEvent event) {
        runtime = AgentRuntime.start(config, kubernetes, version);
    }

    void onStop(@Observes ShutdownEvent event) {
        if (runtime != null) {
            runtime.close();
        }
    }
}
