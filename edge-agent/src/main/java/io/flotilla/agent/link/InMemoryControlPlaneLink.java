package io.flotilla.agent.link;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A link without a network, for tests and local runs: the test plays the broker, delivering
 * desired-state payloads and toggling the connection, and reads what the agent published.
 */
public final class InMemoryControlPlaneLink implements ControlPlaneLink {

    private final List<OutboundMessage> published = new CopyOnWriteArrayList<>();
    private volatile Listener listener;
    private volatile boolean connected;
    private volatile boolean closed;

    @Override
    public void start(Listener listener) {
        this.listener = listener;
    }

    /** Simulates the broker accepting the connection. */
    public void connect() {
        connected = true;
        requireStarted().onConnected();
    }

    /** Simulates losing the broker. */
    public void disconnect() {
        connected = false;
        requireStarted().onDisconnected("disconnected by test");
    }

    /** Simulates a message on the desired topic. */
    public void deliverDesired(byte[] payload) {
        requireStarted().onDesiredState(payload);
    }

    @Override
    public boolean isConnected() {
        return connected && !closed;
    }

    @Override
    public void publish(OutboundMessage message) throws LinkUnavailableException {
        if (!isConnected()) {
            throw new LinkUnavailableException("in-memory link is disconnected");
        }
        published.add(message);
    }

    /** Everything published so far, in order. */
    public List<OutboundMessage> published() {
        return List.copyOf(published);
    }

    public List<OutboundMessage> published(String topic) {
        return published.stream().filter(m -> m.topic().equals(topic)).toList();
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
        connected = false;
    }

    private Listener requireStarted() {
        Listener l = listener;
        if (l == null) {
            throw new IllegalStateException("link not started");
        }
        return l;
    }
}
