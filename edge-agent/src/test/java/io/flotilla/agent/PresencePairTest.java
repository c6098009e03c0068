package io.flotilla.agent;

import static io.flotilla.agent.Fixtures.CLUSTER;
import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.agent.identity.AgentIdentity;
import io.flotilla.agent.link.PresencePair;
import io.flotilla.proto.EnvelopeCodec;
import io.flotilla.proto.v1.Presence;
import java.time.Clock;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PresencePairTest {

    private final AgentIdentity identity = AgentIdentity.unenrolled(CLUSTER, "tcp://127.0.0.1:1883",
            Fixtures.newKey().verificationKey());

    @Test
    void theWillAndTheOnlinePresenceOfOneConnectCarryTheSameEnvelopeTimeAndAreSignedByTheAgent() throws Exception {
        Instant now = Instant.parse("2026-12-05T21:30:00.123456789Z");
        EnvelopeCodec codec = identity.envelopeCodec(Clock.systemUTC());

        PresencePair pair = EdgeAgent.presencePair(codec, CLUSTER, "1.2.3", now);

        EnvelopeCodec reader = Fixtures.readerCodec();
        var online = reader.decodeFrom(pair.online(), CLUSTER, Presence.getDefaultInstance(), identity.publicKey());
        var offline = reader.decodeFrom(pair.offline(), CLUSTER, Presence.getDefaultInstance(), identity.publicKey());
        assertThat(online.payload().getState()).isEqualTo(Presence.State.STATE_ONLINE);
        assertThat(offline.payload().getState()).isEqualTo(Presence.State.STATE_OFFLINE);
        assertThat(online.time()).isEqualTo(now).isEqualTo(offline.time());
        assertThat(online.payload().getSince()).isEqualTo(offline.payload().getSince());
        assertThat(online.payload().getAgentVersion()).isEqualTo("1.2.3");
    }
}
