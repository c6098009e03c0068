package io.flotilla.controlplane.routing;

import io.flotilla.policy.Sites;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** The configured table of client networks (CIDR → location); the longest matching prefix wins. */
final class ClientNetworks {

    private record Network(byte[] prefix, int bits, String cidr, ClientLocation location) {
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
            if (rest == 0) {
                return true;
            }
            int mask = 0xff << (8 - rest) & 0xff;
            return (address[full] & mask) == (prefix[full] & mask);
        }
    }

    private final List<Network> networks;

    private ClientNetworks(List<Network> networks) {
        this.networks = networks;
    }

    /** Parses {@code CIDR=SITE} or {@code CIDR=LAT,LON} entries; every problem is reported at once, by entry. */
    static ClientNetworks parse(List<String> entries, Sites sites) {
        var networks = new ArrayList<Network>();
        var problems = new ArrayList<String>();
        for (String entry : entries) {
            int eq = entry.indexOf('=');
            int slash = entry.indexOf('/');
            if (eq < 0 || slash < 0 || slash > eq) {
                problems.add("'" + entry + "': expected CIDR=SITE or CIDR=LAT,LON, e.g. 10.20.0.0/16=frankfurt");
                continue;
            }
            String cidr = entry.substring(0, eq).trim();
            ClientLocation.Parsed location = ClientLocation.parse(entry.substring(eq + 1), sites, "network " + cidr);
            if (location.problem() != null) {
                problems.add("'" + entry + "': " + location.problem());
                continue;
            }
            try {
                byte[] prefix = literal(cidr.substring(0, cidr.indexOf('/')));
                int bits = Integer.parseInt(cidr.substring(cidr.indexOf('/') + 1));
                if (bits < 0 || bits > prefix.length * 8) {
                    throw new NumberFormatException();
                }
                networks.add(new Network(prefix, bits, cidr, location.location()));
            } catch (NumberFormatException e) {
                problems.add("'" + entry + "': the prefix length must be 0.." + (cidr.contains(":") ? 128 : 32));
            } catch (IllegalArgumentException e) {
                problems.add("'" + entry + "': " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("flotilla.router.client-networks: " + String.join("; ", problems));
        }
        networks.sort(Comparator.comparingInt(Network::bits).reversed());
        return new ClientNetworks(List.copyOf(networks));
    }

    Optional<ClientLocation> locate(String clientAddress) {
        if (networks.isEmpty() || clientAddress == null) {
            return Optional.empty();
        }
        byte[] address;
        try {
            address = literal(clientAddress);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        for (Network n : networks) {
            if (n.contains(address)) {
                return Optional.of(n.location());
            }
        }
        return Optional.empty();
    }

    /** An IP literal's bytes, never a name lookup. */
    private static byte[] literal(String ip) {
        String s = ip.trim();
        if (!s.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}") && !(s.contains(":") && s.matches("[0-9a-fA-F:.]+"))) {
            throw new IllegalArgumentException("'" + s + "' is not an IP address");
        }
        try {
            byte[] bytes = InetAddress.getByName(s).getAddress();
            // an IPv4-mapped IPv6 literal arrives as 16 bytes from some stacks: match it as IPv4
            if (bytes.length == 16 && isV4Mapped(bytes)) {
                return Arrays.copyOfRange(bytes, 12, 16);
            }
            return bytes;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + s + "' is not an IP address");
        }
    }

    private static boolean isV4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }
}
