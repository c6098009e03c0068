package io.flotilla.controlplane.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotilla.policy.Sites;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClientNetworksTest {

    private final ClientNetworks networks = ClientNetworks.parse(List.of(
            "10.0.0.0/8=paris",
            "10.20.0.0/16=frankfurt",
            "10.20.30.128/25=19.08,72.88",
            "2001:db8::/32=london",
            "0.0.0.0/0=new-york"), Sites.builtIn());

    @Test
    void theLongestMatchingPrefixWins() {
        Map<String, String> expected = Map.of(
                "10.1.2.3", "paris",
                "10.20.1.1", "frankfurt",
                "10.20.30.127", "frankfurt",
                "10.20.30.200", "19.08,72.88 (network 10.20.30.128/25)",
                "2001:db8:1::5", "london",
                "192.168.1.1", "new-york",
                "::ffff:10.20.1.1", "frankfurt");
        expected.forEach((address, where) -> assertThat(networks.locate(address).map(ClientLocation::describe))
                .as(address).get().asString().startsWith(where));
    }

    @Test
    void addressesOutsideEveryNetworkAndNonAddressesAreNotPlaced() {
        var v4only = ClientNetworks.parse(List.of("10.0.0.0/8=paris"), Sites.builtIn());
        assertThat(v4only.locate("11.0.0.1")).isEmpty();
        assertThat(v4only.locate("::1")).isEmpty();
        assertThat(v4only.locate("localhost")).isEqualTo(Optional.empty());
        assertThat(v4only.locate(null)).isEmpty();
    }

    @Test
    void everyBadEntryIsReportedAtOnce() {
        assertThatThrownBy(() -> ClientNetworks.parse(List.of("10.0.0.0/8", "10.0.0.0/33=paris", "10.0.0.0/8=pariss",
                "ten/8=paris"), Sites.builtIn()))
                .hasMessageContaining("'10.0.0.0/8': expected CIDR=SITE")
                .hasMessageContaining("'10.0.0.0/33=paris': the prefix length must be 0..32")
                .hasMessageContaining("unknown site 'pariss'")
                .hasMessageContaining("'ten' is not an IP address");
    }
}
