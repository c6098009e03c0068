package io.flotilla.controlplane;

import com.google.protobuf.Message;
import io.flotilla.controlplane.fleet.ClusterRepository;
import io.flotilla.controlplane.fleet.EnrollmentService;
import io.flotilla.controlplane.identity.ClusterIdentities;
import io.flotilla.controlplane.identity.IdentityService;
import io.flotilla.proto.EnvelopeCodec;
import io.flotilla.proto.SigningKey;
import io.quarkus.arc.Arc;
import io.quarkus.narayana.jta.QuarkusTransaction;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Enrolled agents for tests that play an agent's side of the wire: a registered cluster is enrolled through the real
 * enrollment and token exchange, with a key made here, and its messages are signed with that key.
 */
public final class TestAgents {

    /** A cluster's test agent: its broker password and the codec that signs as it. */
    public record Agent(String clusterId, String password, SigningKey key, EnvelopeCodec codec) {

        public byte[] encode(Message payload) {
            return codec.encode(clusterId, payload);
        }
    }

    private static final Map<String, Agent> AGENTS = new ConcurrentHashMap<>();

    private TestAgents() {
    }

    /** The cluster's test agent, enrolled now unless the one enrolled before is still the cluster's identity. */
    public static Agent of(String clusterId) {
        Agent known = AGENTS.get(clusterId);
        ClusterIdentities identities = Arc.container().instance(ClusterIdentities.class).get();
        if (known != null && identities.of(clusterId).map(i -> i.key().equals(known.key().verificationKey())).orElse(false)) {
            return known;
        }
        Agent agent = enroll(clusterId);
        AGENTS.put(clusterId, agent);
        return agent;
    }

    /** Enrolls the registered cluster again, with a new key: the former agent's key and password stop working. */
    public static Agent enroll(String clusterId) {
        EnrollmentService enrollments = Arc.container().instance(EnrollmentService.class).get();
        IdentityService identities = Arc.container().instance(IdentityService.class).get();
        boolean registered = QuarkusTransaction.requiringNew().call(() ->
                Arc.container().instance(ClusterRepository.class).get().findByIdOptional(clusterId).isPresent());
        // a cluster not registered yet is enrolled as a new one, at Frankfurt
        String token = enrollments.enroll(registered
                ? new EnrollmentService.Request(clusterId, null, null, null, null, null, null)
                : new EnrollmentService.Request(clusterId, "DE", "frankfurt", null, null, null, null), "test").bootstrapToken();
        SigningKey key = SigningKey.generate(new SecureRandom());
        IdentityService.Exchanged x = identities.exchange(clusterId, token, key.verificationKey().toBase64());
        Agent agent = new Agent(clusterId, x.password(), key,
                EnvelopeCodec.builder("flotilla/clusters/" + clusterId).signWith(key).build());
        AGENTS.put(clusterId, agent);
        return agent;
    }
}
