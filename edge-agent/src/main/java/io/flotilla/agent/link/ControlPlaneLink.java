package io.flotilla.agent.link;

/**
 * The agent's port to the control plane: desired state comes in, status and telemetry go out.
 * MQTT in production ({@link MqttControlPlaneLink}), in memory in tests
 * ({@link InMemoryControlPlaneLink}). Nothing outside this package knows which transport runs.
 */
public interface ControlPlaneLink extends AutoCloseable {

    /** Events from the link. Called on the transport's threads: implementations must not block. */
    interface Listener {
        /**
         * A payload arrived on the cluster's desired topic; not yet verified. Throws when it could not be stored:
         * the transport then does not acknowledge it, so the broker delivers it again (MQTT: Paho closes the
         * connection without a PUBACK, and the persistent session redelivers after the reconnect).
         */
        void onDesiredState(byte[] payload);

        void onConnected();

        void onDisconnected(String cause);
    }

    /** Starts connecting in the background; never blocks on the network and never fails when the broker is down. */
    void start(Listener listener);

    boolean isConnected();

    /**
     * Hands {@code message} to the transport now.
     *
     * @throws LinkUnavailableException when not connected or the transport refuses it; the caller buffers
     */
    void publish(OutboundMessage message) throws LinkUnavailableException;

    /** Announces a clean departure where the transport can, then disconnects. */
    @Override
    void close();
}
