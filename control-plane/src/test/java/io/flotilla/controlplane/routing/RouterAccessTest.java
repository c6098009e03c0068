package io.flotilla.controlplane.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.controlplane.routing.RouterAccess.Mode;
import org.junit.jupiter.api.Test;

class RouterAccessTest {

    @Test
    void withoutKeysOnlyALoopbackBindStaysOpen() {
        for (String host : new String[] {"127.0.0.1", "localhost", "LocalHost", "::1", "[::1]", "127.0.1.1",
                "0:0:0:0:0:0:0:1"}) {
            assertThat(RouterAccess.mode(false, host)).as(host).isEqualTo(Mode.KEYLESS_LOOPBACK);
        }
        for (String host : new String[] {"0.0.0.0", "::", "[::]", "10.1.2.3", "192.168.0.10", "fe80::1",
                "router.example.com", "localhost.example.com", "", " "}) {
            assertThat(RouterAccess.mode(false, host)).as(host).isEqualTo(Mode.REFUSE_ALL);
        }
        assertThat(RouterAccess.mode(false, null)).isEqualTo(Mode.REFUSE_ALL);
    }

    @Test
    void withKeysEveryBindChecksThem() {
        assertThat(RouterAccess.mode(true, "0.0.0.0")).isEqualTo(Mode.API_KEYS);
        assertThat(RouterAccess.mode(true, "127.0.0.1")).isEqualTo(Mode.API_KEYS);
    }
}
