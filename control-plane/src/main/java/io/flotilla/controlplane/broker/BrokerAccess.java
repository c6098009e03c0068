package io.flotilla.controlplane.broker;

import io.flotilla.controlplane.identity.ClusterIdentities;
import io.flotilla.controlplane.identity.IdentityService;
import io.flotilla.proto.Topics;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Who may do what on the embedded broker, decided per connect, subscription and publish. Two kinds of client exist:
 * the control plane (its user name and the password from its data directory; everything under {@code flotilla/v1/})
 * and enrolled clusters (user name = cluster id, the password issued at enrollment, client id
 * {@code flotilla-agent-<id>}). A cluster may subscribe only to its own desired topic and publish only its own
 * status, telemetry, load and presence, its will included. Everything else, anonymous clients first, is refused.
 */
final class BrokerAccess {

    /** Why a connect, subscription or publish was refused; the metric's {@code reason} tag. */
    enum Refusal { ANONYMOUS, BAD_CREDENTIALS, CLIENT_ID, WILL_TOPIC, TOPIC }

    /** An authenticated client. */
    sealed interface Client permits ControlPlane, Cluster {
    }

    record ControlPlane() implements Client {
    }

    record Cluster(String id) implements Client {
    }

    /** The outcome of a connect: the client, or why it is refused. */
    record Connect(Optional<Client> client, Refusal refusal) {

        static Connect accepted(Client client) {
            return new Connect(Optional.of(client), null);
        }

        static Connect refused(Refusal refusal) {
            return new Connect(Optional.empty(), refusal);
        }
    }

    private static final String NAMESPACE = "flotilla/v1/";

    private final String controlPlaneUser;
    private final byte[] controlPlanePassword;
    private final ClusterIdentities identities;

    BrokerAccess(String controlPlaneUser, String controlPlanePassword, ClusterIdentities identities) {
        this.controlPlaneUser = controlPlaneUser;
        this.controlPlanePassword = controlPlanePassword.getBytes(StandardCharsets.UTF_8);
        this.identities = identities;
    }

    Connect connect(Optional<String> username, Optional<byte[]> password, String clientId, Optional<String> willTopic) {
        if (username.isEmpty() || password.isEmpty()) {
            return Connect.refused(Refusal.ANONYMOUS);
        }
        String user = username.get();
        if (user.equals(controlPlaneUser)) {
            if (!MessageDigest.isEqual(controlPlanePassword, password.get())) {
                return Connect.refused(Refusal.BAD_CREDENTIALS);
            }
            // the control plane never takes over an agent's session
            return clientId.startsWith(IdentityService.AGENT_CLIENT_ID_PREFIX) ? Connect.refused(Refusal.CLIENT_ID)
                    : Connect.accepted(new ControlPlane());
        }
        if (!Topics.isValidClusterId(user) || !identities.authenticates(user, password.get())) {
            return Connect.refused(Refusal.BAD_CREDENTIALS);
        }
        if (!clientId.equals(IdentityService.agentClientId(user))) {
            return Connect.refused(Refusal.CLIENT_ID);
        }
        if (willTopic.isPresent() && !willTopic.get().equals(Topics.presence(user))) {
            return Connect.refused(Refusal.WILL_TOPIC);
        }
        return Connect.accepted(new Cluster(user));
    }

    boolean maySubscribe(Client client, String topicFilter) {
        return switch (client) {
            case ControlPlane cp -> inNamespace(topicFilter) || isSharedInNamespace(topicFilter);
            case Cluster c -> topicFilter.equals(Topics.desired(c.id()));
        };
    }

    boolean mayPublish(Client client, String topic) {
        return switch (client) {
            case ControlPlane cp -> inNamespace(topic);
            case Cluster c -> topic.equals(Topics.status(c.id())) || topic.equals(Topics.telemetry(c.id()))
                    || topic.equals(Topics.load(c.id()))
                    || topic.equals(Topics.presence(c.id()));
        };
    }

    private static boolean inNamespace(String topic) {
        return topic.startsWith(NAMESPACE);
    }

    private static boolean isSharedInNamespace(String filter) {
        String prefix = "$share/" + Topics.SHARE_GROUP + "/";
        return filter.startsWith(prefix) && inNamespace(filter.substring(prefix.length()));
    }
}
