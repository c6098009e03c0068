package io.flotilla.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotilla.proto.v1.LatencyProbe;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PeerProbeTest {

    /** Ports of this module's test range; 0 would do as well, but fixed ports show what peers are configured with. */
    private static final int EDGE_1_PORT = Integer.getInteger("flotilla.test.probe-port-1", 18864);
    private static final int EDGE_2_PORT = Integer.getInteger("flotilla.test.probe-port-2", 18865);
    private static final int NOBODY_PORT = Integer.getInteger("flotilla.test.probe-port-3", 18866);

    @Test
    void twoAgentsMeasureTheRoundTripToEachOthersProbeEndpoint() {
        try (ProbeEndpoint edge1 = ProbeEndpoint.listen("127.0.0.1:" + EDGE_1_PORT);
                ProbeEndpoint edge2 = ProbeEndpoint.listen("127.0.0.1:" + EDGE_2_PORT)) {
            // each agent is told about the other, and about a peer whose agent is down
            LatencyProber fromEdge1 = new LatencyProber(LatencyProber.peers(List.of(
                    "edge-2=127.0.0.1:" + edge2.port(), "edge-9=127.0.0.1:" + NOBODY_PORT)), 1000);
            LatencyProber fromEdge2 = new LatencyProber(LatencyProber.peers(List.of(
                    "edge-1=127.0.0.1:" + edge1.port())), 1000);

            List<LatencyProbe> seenByEdge1 = fromEdge1.probe();
            List<LatencyProbe> seenByEdge2 = fromEdge2.probe();

            assertThat(seenByEdge1).singleElement().satisfies(p -> {
                assertThat(p.getTarget()).isEqualTo("edge-2");
                assertThat(p.getRttMs()).isPositive().isLessThan(1000);
            });
            assertThat(seenByEdge2).singleElement().satisfies(p -> {
                assertThat(p.getTarget()).isEqualTo("edge-1");
                assertThat(p.getRttMs()).isPositive().isLessThan(1000);
            });
            // the endpoint keeps answering: a second round measures again
            assertThat(fromEdge2.probe()).extracting(LatencyProbe::getTarget).containsExactly("edge-1");
        }
    }

    @Test
    void aClosedEndpointIsNoLongerReported() {
        ProbeEndpoint edge2 = ProbeEndpoint.listen("127.0.0.1:0");
        LatencyProber prober = new LatencyProber(LatencyProber.peers(List.of("edge-2=127.0.0.1:" + edge2.port())), 500);
        assertThat(prober.probe()).hasSize(1);

        edge2.close();

        assertThat(prober.probe()).isEmpty();
    }

    @Test
    void peerEntriesNeedAClusterIdHostAndPort() {
        assertThat(LatencyProber.peers(List.of(" edge-2=10.0.4.7:9477", "edge-3=[fd00::3]:9477", "")))
                .containsExactly(Map.entry("edge-2", InetSocketAddress.createUnresolved("10.0.4.7", 9477)),
                        Map.entry("edge-3", InetSocketAddress.createUnresolved("fd00::3", 9477)));
        for (String bad : List.of("edge-2", "edge-2=10.0.4.7", "=10.0.4.7:9477", "edge-2=host:99999",
                "control-plane=10.0.0.1:1883")) {
            assertThatThrownBy(() -> LatencyProber.peers(List.of(bad)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'" + bad + "'");
        }
    }
}
