package io.flotilla.controlplane.dispatch;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "flotilla.dispatch")
public interface DispatchConfig {

    /** How often unpublished outbox entries are retried. */
    @WithDefault("2s")
    Duration retryInterval();

    /** How long a publication may wait for the broker's acknowledgement. */
    @WithDefault("10s")
    Duration publishTimeout();

    /** Most outbox entries published in one pass. */
    @WithDefault("2000")
    int batchSize();

    /**
     * How long a cluster may take to apply a published generation before it is published again; after a
     * second timeout without acknowledgement the cluster is flagged unacknowledged.
     */
    @WithDefault("30s")
    Duration ackTimeout();

    /** How often acknowledgements are checked. */
    @WithDefault("1s")
    Duration ackCheckInterval();

    /** How often the leader checks whether a signing-key rotation can switch to the new key. */
    @WithDefault("5s")
    Duration keyRotationCheckInterval();

    /**
     * How often the leader checks that the broker still holds its retained messages (by a marker it left there), and
     * publishes every cluster's desired state again when it does not.
     */
    @WithDefault("30s")
    Duration retainedCheckInterval();

    /** How long a check waits for the broker to deliver the retained marker after subscribing. */
    @WithDefault("3s")
    Duration retainedCheckWait();
}
