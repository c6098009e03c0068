package io.flotilla.agent.link;

import java.util.Objects;

/** An encoded message for the control plane. */
public record OutboundMessage(String topic, byte[] payload, int qos, boolean retained) {

    public OutboundMessage {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("QoS must be 0, 1 or 2, got " + qos);
        }
    }
}
