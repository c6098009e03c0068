package io.flotilla.controlplane.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class OutlierEjectorTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final OutlierEjector ejector = new OutlierEjector(2, Duration.ofSeconds(30), now::get);

    @Test
    void consecutiveFailuresEjectAClusterUntilTheCoolDownEnds() {
        assertThat(ejector.failed("a")).isFalse();
        assertThat(ejector.isEjected("a")).isFalse();
        assertThat(ejector.failed("a")).isTrue();
        assertThat(ejector.isEjected("a")).isTrue();
        now.addAndGet(Duration.ofSeconds(30).toNanos() - 1);
        assertThat(ejector.isEjected("a")).isTrue();
        now.addAndGet(1);
        assertThat(ejector.isEjected("a")).isFalse();
    }

    @Test
    void aSuccessInBetweenResetsTheCountAndLiftsAnEjection() {
        ejector.failed("a");
        ejector.succeeded("a");
        assertThat(ejector.failed("a")).isFalse();
        ejector.failed("a");
        assertThat(ejector.isEjected("a")).isTrue();
        ejector.succeeded("a");
        assertThat(ejector.isEjected("a")).isFalse();
    }

    @Test
    void ejectedClustersAreTriedLastInRankOrderNeverDropped() {
        ejector.failed("a");
        ejector.failed("a");
        ejector.failed("c");
        ejector.failed("c");
        assertThat(ejector.order(List.of("a", "b", "c", "d"), Function.identity())).containsExactly("b", "d", "a", "c");
        assertThat(ejector.order(List.of("b", "d"), Function.identity())).containsExactly("b", "d");
    }
}
