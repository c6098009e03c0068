package io.flotilla.controlplane.identity;

/** A cluster's broker credentials were revoked: its agent is disconnected and refused from now on. */
public record ClusterCredentialsRevoked(String clusterId, String username, String clientId) {
}
