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

    private final List<Cidr> networks;
    private final Set<Integer> ownPorts;

    /**
     * @param cidrs e.g. {@code 10.0.0.0/8}, {@code 127.0.0.0/8}, {@code fd00::/8}
     * @param ownPorts the control plane's HTTP and router ports: never a target on a local address
     */
    EndpointAllowList(List<String> cidrs, Set<Integer> ownPorts) {
        var parsed = new ArrayList<Cidr>();
        for (String cidr : cidrs) {
            try {
                parsed.add(Cidr.parse(cidr));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("flotilla.router.allowed-endpoints: '" + cidr.trim() + "': " + e.getMessage(), e);
            }
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
        byte[] address;
        try {
            address = Cidr.literal(h);
        } catch (IllegalArgumentException e) {
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
        for (Cidr n : networks) {
            if (n.contains(address)) {
                return null;
            }
        }
        return host + " is outside flotilla.router.allowed-endpoints";
    }
}
