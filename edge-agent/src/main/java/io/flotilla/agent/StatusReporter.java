package io.flotilla.agent;

import com.google.protobuf.Timestamp;
import io.flotilla.agent.link.OutboundMessage;
import io.flotilla.agent.link.OutboundQueue;
import io.flotilla.proto.EnvelopeCodec;
import io.flotilla.proto.Topics;
import io.flotilla.proto.v1.ClusterStatus;
import java.time.Clock;
import java.time.Instant;

/**
 * Sends the cluster status when it differs from the last one sent, timestamps aside, so that an
 * idle fleet sends nothing (Strimzi's StatusDiff rule). Thread-safe.
 */
public final class StatusReporter {

    private final String clusterId;
    private final String topic;
    private final EnvelopeCodec codec;
    private final OutboundQueue outbound;
    private final Clock clock;
    private ClusterStatus last;
    private long sent;

    public StatusReporter(String clusterId, EnvelopeCodec codec, OutboundQueue outbound, Clock clock) {
        this.clusterId = clusterId;
        this.topic = Topics.status(clusterId);
        this.codec = codec;
        this.outbound = outbound;
        this.clock = clock;
    }

    /**
     * Sends {@code status} unless it equals the last one sent.
     *
     * @return whether it was sent (or buffered for sending)
     */
    public synchronized boolean report(ClusterStatus status) {
        ClusterStatus comparable = status.toBuilder().clearReportedAt().build();
        if (comparable.equals(last)) {
            return false;
        }
        last = comparable;
        send(comparable);
        return true;
    }

    /** Sends the last status again: after a reconnect the control plane may have missed it. */
    public synchronized void resendLast() {
        if (last != null) {
            send(last);
        }
    }

    public synchronized long sent() {
        return sent;
    }

    public String topic() {
        return topic;
    }

    private void send(ClusterStatus status) {
        Instant now = clock.instant();
        ClusterStatus stamped = status.toBuilder()
                .setReportedAt(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
                .build();
        outbound.send(new OutboundMessage(topic, codec.encode(clusterId, stamped), 1, false));
        sent++;
    }
}
