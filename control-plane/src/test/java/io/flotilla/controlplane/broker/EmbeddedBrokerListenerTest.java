package io.flotilla.controlplane.broker;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The embedded broker's plain listener serves this machine only; elsewhere it is TLS. */
class EmbeddedBrokerListenerTest {

    @Test
    void aPlainListenerOnANonLoopbackAddressIsRefusedWithWhatToDoInstead() {
        assertThatThrownBy(() -> EmbeddedBroker.requireLoopback("0.0.0.0"))
                .hasMessageContaining("not a loopback address").hasMessageContaining("flotilla.broker.tls.port");
        assertThatThrownBy(() -> EmbeddedBroker.requireLoopback("192.0.2.10")).hasMessageContaining("not a loopback address");
    }

    @Test
    void loopbackAddressesAreAccepted() {
        assertThatCode(() -> EmbeddedBroker.requireLoopback("127.0.0.1")).doesNotThrowAnyException();
        assertThatCode(() -> EmbeddedBroker.requireLoopback("::1")).doesNotThrowAnyException();
        assertThatCode(() -> EmbeddedBroker.requireLoopback("localhost")).doesNotThrowAnyException();
    }
}
