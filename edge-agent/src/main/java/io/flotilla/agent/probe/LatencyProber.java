package io.flotilla.agent.probe;

import io.flotilla.proto.v1.LatencyProbe;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Round-trip time to the control plane and to peer clusters' probe endpoints ({@link ProbeEndpoint}),
 * measured as the time a TCP handshake takes (one round trip, no payload). Targets that do not
 * answer within the timeout are left out of the report rather than reported as slow.
 */
public final class LatencyProber {

    public static final String CONTROL_PLANE = "control-plane";

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
        return Map.of(CONTROL_PLANE, InetSocketAddress.createUnresolved(uri.getHost(), port));
    }

    /**
     * Peer probe endpoints from {@code clusterId=host:port} entries.
     *
     * @throws IllegalArgumentException naming the entry that is not of that form
     */
    public static Map<String, InetSocketAddress> peers(List<String> entries) {
        Map<String, InetSocketAddress> peers = new TreeMap<>();
        for (String raw : entries) {
            String entry = raw.strip();
            if (entry.isEmpty()) {
                continue;
            }
            int eq = entry.indexOf('=');
            InetSocketAddress address = eq > 0 ? hostAndPort(entry.substring(eq + 1)) : null;
            if (address == null || address.getPort() == 0 || CONTROL_PLANE.equals(entry.substring(0, eq))) {
                throw new IllegalArgumentException("peer probe target '" + entry
                        + "' is not of the form clusterId=host:port (e.g. edge-2=10.0.4.7:9477)");
            }
            peers.put(entry.substring(0, eq), address);
        }
        return peers;
    }

    /** {@code host:port} or {@code [v6]:port} (port 0..65535) as an unresolved address, or null when it is neither. */
    static InetSocketAddress hostAndPort(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            return null;
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            int port = Integer.parseInt(text.substring(colon + 1));
            return port < 0 || port > 65535 || host.isEmpty() ? null : InetSocketAddress.createUnresolved(host, port);
        } catch (NumberFormatException e) {
            return null;
        }
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
