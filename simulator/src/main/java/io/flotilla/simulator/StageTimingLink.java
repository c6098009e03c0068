package io.flotilla.simulator;

import io.flotilla.agent.link.ControlPlaneLink;
import io.flotilla.agent.link.LinkUnavailableException;
import io.flotilla.agent.link.OutboundMessage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A simulated agent's link to the control plane, timing the desired state on its way in: when the first one
 * since {@link #mark()} arrived from the broker, and when the agent had verified and stored it (its listener
 * returned; the transport acknowledges after that). Times are {@link System#nanoTime()}, 0 until it happened.
 */
final class StageTimingLink implements ControlPlaneLink {

    private final ControlPlaneLink delegate;
    private final AtomicLong receivedAt = new AtomicLong();
    private final AtomicLong storedAt = new AtomicLong();

    StageTimingLink(ControlPlaneLink delegate) {
        this.delegate = delegate;
    }

    void mark() {
        receivedAt.set(0);
        storedAt.set(0);
    }

    long receivedAt() {
        return receivedAt.get();
    }

    long storedAt() {
        return storedAt.get();
    }

    @Override
    public void start(Listener listener) {
        delegate.start(new Listener() {
            @Override
            public void onDesiredState(byte[] payload) {
                receivedAt.compareAndSet(0, System.nanoTime());
                listener.onDesiredState(payload);
                storedAt.compareAndSet(0, System.nanoTime());
            }

            @Override
            public void onConnected() {
                listener.onConnected();
            }

            @Override
            public void onDisconnected(String cause) {
                listener.onDisconnected(cause);
            }
        });
    }

    @Override
    public boolean isConnected() {
        return delegate.isConnected();
    }

    @Override
    public void publish(OutboundMessage message) throws LinkUnavailableException {
        delegate.publish(message);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
