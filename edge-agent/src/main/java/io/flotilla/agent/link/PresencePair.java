package io.flotilla.agent.link;

import java.util.Objects;

/**
 * The encoded ONLINE and OFFLINE presence of one connection, stamped with the same envelope time: the
 * OFFLINE one is the connection's will, which the broker may deliver after the ONLINE one, and a
 * receiver that orders a cluster's presence by envelope time would drop an older will as a replay.
 */
public record PresencePair(byte[] online, byte[] offline) {

    public PresencePair {
        Objects.requireNonNull(online, "online");
        Objects.requireNonNull(offline, "offline");
    }
}
