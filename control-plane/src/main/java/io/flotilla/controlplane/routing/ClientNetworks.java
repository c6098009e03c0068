package io.flotilla.controlplane.routing;

import io.flotilla.policy.Sites;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** The configured table of client networks (CIDR → location); the longest matching prefix wins. */
final class ClientNetworks {

    private record Network(Cidr cidr, ClientLocation location) {

        int bits() {
            return cidr.bits();
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
                networks.add(new Network(Cidr.parse(cidr), location.location()));
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
            address = Cidr.literal(clientAddress);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        for (Network n : networks) {
            if (n.cidr().contains(address)) {
                return Optional.of(n.location());
            }
        }
        return Optional.empty();
    }
}
