package io.flotilla.agent.probe;

import io.flotilla.proto.v1.LatencyProbe;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Round-trip time to the control plane and to peer probe endpoints, measured as the time a TCP
 * handshake takes (one round trip, no payload, no server support needed). Targets that do not
 * answer within the timeout are left out of the report rather than reported as slow.
 */
public final class LatencyProber {

    private final Map<String, InetSocketAddress> targets;
    private final int timeoutMillis;

    /** @param targets "control-plane" or a peer cluster id, to host and port */
    public LatencyProber(Map<String, InetSocketAddress> targets, int timeoutMillis) {
        this.targets = Map.copyOf(targets);
        this.timeoutMillis = timeoutMillis;
    }

    /** The broker of a {@code tcp://host:port} or {@code ssl://host:port} URL, as the control-plane target. */
    public static Map<String, InetSocketAddress> controlPlane(String brokerUrl) {
        URI uri = URI.create(brokerUrl);
        if (uri.getHost() == null) {
            return Map.of();
        }
        int port = uri.getPort() > 0 ? uri.getPort() : ("ssl".equals(uri.getScheme()) ? 8883 : 1883);
        return Map.of("control-plane", InetSocketAddress.createUnresolved(uri.getHost(), port));
    }

    public List<LatencyProbe> probe() {
        List<LatencyProbe> probes = new ArrayList<>();
        targets.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(target -> {
            InetSocketAddress address = new InetSocketAddress(target.getValue().getHostString(),
                    target.getValue().getPort());
            if (address.isUnresolved()) {
                return;
            }
            try (Socket socket = new Socket()) {
                long start = System.nanoTime();
                socket.connect(address, timeoutMillis);
                double rttMs = (System.nanoTime() - start) / 1_000_000.0;
                probes.add(LatencyProbe.newBuilder().setTarget(target.getKey()).setRttMs(rttMs).build());
            } catch (IOException e) {
                // unreachable: say nothing rather than something wrong
            }
        });
        return probes;
    }
}
