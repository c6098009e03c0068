package io.flotilla.controlplane.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EndpointAllowListTest {

    private final EndpointAllowList list = new EndpointAllowList(List.of("10.0.0.0/8", "127.0.0.0/8", "fd00::/8"),
            Set.of(8080, 8443));

    @Test
    void addressesInsideTheAllowedNetworksMayBeTargets() {
        assertThat(list.refusal("10.1.2.3", 8000)).isNull();
        assertThat(list.refusal("127.0.0.1", 9000)).isNull();
        assertThat(list.refusal("[fd00::5]", 8000)).isNull();
    }

    @Test
    void everythingElseIsRefusedWithAReason() {
        assertThat(list.refusal("192.168.1.1", 8000)).contains("outside flotilla.router.allowed-endpoints");
        assertThat(list.refusal("model.example.com", 8000)).contains("is not an IP address");
        assertThat(new EndpointAllowList(List.of("0.0.0.0/0"), Set.of()).refusal("169.254.169.254", 80))
                .as("cloud metadata lives on link-local addresses").contains("link-local");
        assertThat(list.refusal("127.0.0.1", 8080)).contains("the control plane itself");
        assertThat(new EndpointAllowList(List.of(), Set.of()).refusal("10.1.2.3", 8000)).as("empty allows nothing")
                .isNotNull();
    }

    @Test
    void aBadNetworkIsRefusedAtStartWithTheSetting() {
        assertThatThrownBy(() -> new EndpointAllowList(List.of("10.0.0.0/33"), Set.of()))
                .hasMessageContaining("flotilla.router.allowed-endpoints: '10.0.0.0/33': the prefix length must be 0..32");
        assertThatThrownBy(() -> new EndpointAllowList(List.of("ten/8"), Set.of())).hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> new EndpointAllowList(List.of("10.0.0.0"), Set.of())).hasMessageContaining("not a CIDR");
    }
}
