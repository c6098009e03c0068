package io.flotilla.controlplane.fleet;

import io.flotilla.controlplane.broker.BrokerCertificates;
import io.flotilla.controlplane.broker.BrokerConfig;
import io.flotilla.controlplane.broker.EmbeddedBroker;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.util.Optional;

/** The broker as enrolled agents see it: the URL they connect to and the CA they pin for it. */
@ApplicationScoped
public class AgentBroker {

    private final EnrollmentConfig enrollment;
    private final BrokerConfig broker;

    AgentBroker(EnrollmentConfig enrollment, BrokerConfig broker) {
        this.enrollment = enrollment;
        this.broker = broker;
    }

    public String url() {
        return enrollment.agentBrokerUrl().orElseGet(() -> broker.embedded() && broker.tls().port().isPresent()
                ? "ssl://" + broker.tls().hostNames().getFirst() + ":" + broker.tls().port().getAsInt()
                : "tcp://" + broker.host() + ":" + broker.port());
    }

    /** PEM of the CA the broker's certificate chains to; empty when agents connect without TLS. */
    public Optional<String> caCertificatePem() {
        if (enrollment.agentBrokerCa().isPresent()) {
            return Optional.of(BrokerCertificates.readPem(Path.of(enrollment.agentBrokerCa().get())));
        }
        return url().startsWith("ssl://") ? EmbeddedBroker.caCertificatePem() : Optional.empty();
    }
}
