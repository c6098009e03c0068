package io.flotilla.controlplane.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class KeyLimitsTest {

    private record Limit(OptionalDouble requestsPerSecond, OptionalInt burst, OptionalInt maxConcurrent)
            implements RouterConfig.RateLimit {
    }

    private static final Limit NONE = new Limit(OptionalDouble.empty(), OptionalInt.empty(), OptionalInt.empty());

    private final AtomicLong now = new AtomicLong();

    @Test
    void overTheRateTheRefusalSaysWhenToRetryInWholeSecondsRoundedUp() {
        var limits = KeyLimits.resolve(new Limit(OptionalDouble.of(0.4), OptionalInt.of(2), OptionalInt.empty()), NONE,
                "this API key", now::get);
        assertThat(limits.admit()).isNull();
        assertThat(limits.admit()).isNull();
        KeyLimits.Refusal refusal = limits.admit();
        assertThat(refusal.code()).isEqualTo("rate_limit_exceeded");
        assertThat(refusal.retryAfterSeconds()).isEqualTo(3); // 2.5 s until the next token
        assertThat(refusal.message()).contains("this API key").contains("0.4 per second, bursts of 2");
        now.addAndGet(Duration.ofMillis(2_499).toNanos());
        assertThat(limits.admit().retryAfterSeconds()).isEqualTo(1);
        now.addAndGet(Duration.ofMillis(1).toNanos());
        assertThat(limits.admit()).isNull();
    }

    @Test
    void aRequestHoldsItsPlaceUntilReleasedAndARefusalTakesNone() {
        var limits = KeyLimits.resolve(new Limit(OptionalDouble.empty(), OptionalInt.empty(), OptionalInt.of(2)), NONE,
                "this API key", now::get);
        assertThat(limits.admit()).isNull();
        assertThat(limits.admit()).isNull();
        KeyLimits.Refusal refusal = limits.admit();
        assertThat(refusal.code()).isEqualTo("concurrency_limit_exceeded");
        assertThat(refusal.retryAfterSeconds()).isEqualTo(1);
        assertThat(limits.inFlight()).isEqualTo(2);
        limits.release();
        assertThat(limits.admit()).isNull();
        assertThat(limits.inFlight()).isEqualTo(2);
    }

    @Test
    void aRequestRefusedForConcurrencySpendsNoToken() {
        var limits = new KeyLimits("k", OptionalDouble.of(1), OptionalInt.of(1), OptionalInt.of(1), now::get);
        assertThat(limits.admit()).isNull();
        assertThat(limits.admit().code()).isEqualTo("concurrency_limit_exceeded");
        limits.release();
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(limits.admit()).isNull();
    }

    @Test
    void unsetFieldsFallBackToTheDefaultsOneByOneAndNothingSetIsUnlimited() {
        var defaults = new Limit(OptionalDouble.of(1), OptionalInt.empty(), OptionalInt.of(1));
        var own = new Limit(OptionalDouble.empty(), OptionalInt.empty(), OptionalInt.of(3));
        var limits = KeyLimits.resolve(own, defaults, "k", now::get);
        assertThat(limits.admit()).isNull();
        assertThat(limits.admit()).as("rate from the defaults, burst one second's worth").isNotNull()
                .extracting(KeyLimits.Refusal::code).isEqualTo("rate_limit_exceeded");

        var unlimited = KeyLimits.resolve(NONE, NONE, "k", now::get);
        assertThat(unlimited.unlimited()).isTrue();
        for (int i = 0; i < 10_000; i++) {
            assertThat(unlimited.admit()).isNull();
        }
    }

    @Test
    void aBurstWithoutARateOrLessThanOneInFlightIsAConfigurationError() {
        assertThatThrownBy(() -> new KeyLimits("k", OptionalDouble.empty(), OptionalInt.of(5), OptionalInt.empty(), now::get))
                .hasMessageContaining("burst needs requests-per-second");
        assertThatThrownBy(() -> new KeyLimits("k", OptionalDouble.empty(), OptionalInt.empty(), OptionalInt.of(0), now::get))
                .hasMessageContaining("max-concurrent must be at least 1");
    }
}
