package io.flotilla.agent.identity;

import io.flotilla.proto.EnvelopeCodec;
import io.flotilla.proto.SigningKey;
import io.flotilla.proto.Topics;
import io.flotilla.proto.VerificationKey;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Who an enrolled agent is and whom it trusts: its cluster, its own key pair, the broker account the
 * control plane made for it, the control-plane keys whose desired state it accepts, the broker's CA
 * and the floor below which a fresh agent refuses desired state as a replay. The result of one
 * enrollment exchange, kept in {@link IdentityFile}.
 *
 * @param brokerCaPem       the PEM certificate(s) the agent trusts for an {@code ssl://} broker; empty for the
 *                          JDK trust store
 * @param desiredStateFloor an agent that has never stored desired state refuses any issued before this instant
 */
public record AgentIdentity(
        String clusterId,
        AgentKey key,
        String brokerUrl,
        Optional<String> username,
        Optional<String> password,
        String clientId,
        Set<VerificationKey> controlPlaneKeys,
        Optional<String> brokerCaPem,
        Instant desiredStateFloor) {

    public AgentIdentity {
        Topics.requireValidClusterId(clusterId);
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(brokerUrl, "brokerUrl");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(brokerCaPem, "brokerCaPem");
        Objects.requireNonNull(desiredStateFloor, "desiredStateFloor");
        if (controlPlaneKeys.isEmpty()) {
            throw new IllegalArgumentException("identity of " + clusterId + " trusts no control-plane key");
        }
        controlPlaneKeys = Set.copyOf(controlPlaneKeys);
    }

    /**
     * An identity made up locally, for a broker without accounts and no replay floor: a new key pair, no
     * credentials, one trusted control-plane key. For simulators and tests; real agents enroll.
     */
    public static AgentIdentity unenrolled(String clusterId, String brokerUrl, VerificationKey controlPlaneKey) {
        return new AgentIdentity(clusterId, AgentKey.generate(new SecureRandom()), brokerUrl, Optional.empty(),
                Optional.empty(), clientIdFor(clusterId), Set.of(controlPlaneKey), Optional.empty(), Instant.EPOCH);
    }

    /** The MQTT client id of a cluster's agent. */
    public static String clientIdFor(String clusterId) {
        return "flotilla-agent-" + clusterId;
    }

    public SigningKey signingKey() {
        return key.signingKey();
    }

    public VerificationKey publicKey() {
        return key.publicKey();
    }

    /** The same identity reaching its broker at another address (the broker seen through a tunnel or proxy). */
    public AgentIdentity withBrokerUrl(String url) {
        return new AgentIdentity(clusterId, key, url, username, password, clientId, controlPlaneKeys, brokerCaPem,
                desiredStateFloor);
    }

    /** The agent's codec: signs all it sends with its own key, accepts only what one of the control-plane keys signed. */
    public EnvelopeCodec envelopeCodec(Clock clock) {
        EnvelopeCodec.Builder builder = EnvelopeCodec.builder("flotilla/clusters/" + clusterId)
                .signWith(key.signingKey())
                .requireSignature(true)
                .clock(clock);
        controlPlaneKeys.forEach(builder::trust);
        return builder.build();
    }

    @Override
    public String toString() {
        return "AgentIdentity[cluster " + clusterId + ", key " + key.publicKey().keyId() + ", broker " + brokerUrl
                + " as " + username.orElse("(anonymous)") + (password.isPresent() ? " (password redacted)" : "")
                + ", client id " + clientId + ", trusts control-plane keys "
                + controlPlaneKeys.stream().map(VerificationKey::keyId).sorted().collect(Collectors.joining(", ", "[", "]"))
                + (brokerCaPem.isPresent() ? ", broker CA pinned" : ", JDK trust store") + ", desired-state floor "
                + desiredStateFloor + "]";
    }
}
