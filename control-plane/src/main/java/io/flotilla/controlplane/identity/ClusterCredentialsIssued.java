package io.flotilla.controlplane.identity;

/**
 * A cluster's agent has been given broker credentials (its enrollment token was exchanged). Fired after the
 * transaction that stored them commits; an external broker's credential store (Mosquitto's dynamic security) is
 * told from here. The password is in memory only for this event: the control plane keeps its hash.
 */
public record ClusterCredentialsIssued(String clusterId, String username, String password, String clientId) {

    @Override
    public String toString() {
        return "ClusterCredentialsIssued[clusterId=" + clusterId + ", username=" + username + ", clientId=" + clientId + "]";
    }
}
