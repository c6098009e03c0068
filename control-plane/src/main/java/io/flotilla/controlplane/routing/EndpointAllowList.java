package io.flotilla.controlplane.routing;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Where the router may send a request: the endpoint a cluster's agent reports is an address the operator allows
 * ({@code flotilla.router.allowed-endpoints}, CIDRs), given as an IP literal (a host name would be resolved at each
 * request, and could resolve anywhere). Link-local addresses (cloud metadata services live there) and the control
 * plane's own ports on this machine are refused whatever the list says. An empty list allows nothing.
 */
final class EndpointAllowList {

    private record Network(byte[] prefix, int bits, String cidr) {

        boolean contains(byte[] address) {
            if (address.length != prefix.length) {
                return false;
            }
            int full = bits / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != prefix[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            return rest == 0 || ((address[full] ^ prefix[full]) & (0xFF << (8 - rest)) & 0xFF) == 0;
        }
    }

    private final List<Network> networks;
    private final Set<Integer> ownPorts;

    /**
     * @param cidrs e.g. {@code 10.0.0.0/8}, {@code 127.0.0.0/8}, {@code fd00::/8}
     * @param ownPorts the control plane's HTTP and router ports: never a target on a local address
     */
    EndpointAllowList(List<String> cidrs, Set<Integer> ownPorts) {
        var parsed = new ArrayList<Network>();
        for (String cidr : cidrs) {
            String c = cidr.trim();
            int slash = c.indexOf('/');
            if (slash < 0) {
                throw new IllegalArgumentException("flotilla.router.allowed-endpoints: '" + c + "' is not a CIDR (address/length)");
            }
            byte[] prefix = literal(c.substring(0, slash));
            int bits;
            try {
                bits = Integer.parseInt(c.substring(slash + 1));
            } catch (NumberFormatException e) {
                bits = -1;
            }
            if (prefix == null || bits < 0 || bits > prefix.length * 8) {
                throw new IllegalArgumentException("flotilla.router.allowed-endpoints: '" + c + "' is not a CIDR");
            }
            parsed.add(new Network(prefix, bits, c));
        }
        this.networks = List.copyOf(parsed);
        this.ownPorts = Set.copyOf(ownPorts);
    }

    boolean isEmpty() {
        return networks.isEmpty();
    }

    /** Why {@code host:port} may not be a target, or null when it may. */
    String refusal(String host, int port) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        byte[] address = literal(h);
        if (address == null) {
            return "'" + host + "' is not an IP address (endpoints are allowed by address: flotilla.router.allowed-endpoints)";
        }
        InetAddress ip;
        try {
            ip = InetAddress.getByAddress(address);
        } catch (UnknownHostException e) {
            return "'" + host + "' is not an IP address";
        }
        if (ip.isLinkLocalAddress()) {
            return host + " is link-local";
        }
        if ((ip.isLoopbackAddress() || ip.isAnyLocalAddress()) && ownPorts.contains(port)) {
            return host + ":" + port + " is the control plane itself";
        }
        for (Network n : networks) {
            if (n.contains(address)) {
                return null;
            }
        }
        return host + " is outside flotilla.router.allowed-endpoints";
    }

    /** The bytes of an IPv4 or IPv6 literal, or null for anything else (never a DNS lookup). */
    private static byte[] literal(String s) {
        if (!s.matches("\\d{1,3}(\\.\\d{1,3}){3}") && !(s.contains(":") && s.matches("[0-9A-Fa-f:.]+"))) {
            return null;
        }
        try {
            return InetAddress.getByName(s).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
