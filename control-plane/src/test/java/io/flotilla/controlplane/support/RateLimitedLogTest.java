package io.flotilla.controlplane.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

class RateLimitedLogTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final RateLimitedLog log = new RateLimitedLog(Logger.getLogger(RateLimitedLogTest.class),
            Duration.ofSeconds(10), now::get);

    @Test
    void theFirstWarningIsWrittenAndTheRestOfTheIntervalHeldBack() {
        assertThat(log.warn(new IllegalStateException("down"), "write %d failed", 1)).isTrue();
        now.addAndGet(Duration.ofSeconds(3).toNanos());
        assertThat(log.warn(new IllegalStateException("down"), "write %d failed", 2)).isFalse();
        assertThat(log.warn(new IllegalStateException("down"), "write %d failed", 3)).isFalse();
        assertThat(log.heldBack()).isEqualTo(2);
    }

    @Test
    void aWarningAfterTheIntervalIsWrittenAndTheCountStartsAgain() {
        log.warn(null, "first");
        log.warn(null, "held");
        now.addAndGet(Duration.ofSeconds(10).toNanos());

        assertThat(log.warn(null, "after the interval")).isTrue();
        assertThat(log.heldBack()).isZero();
        assertThat(log.warn(null, "held again")).isFalse();
    }
}
