package io.flotilla.controlplane.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenBucketTest {

    private final AtomicLong now = new AtomicLong(5_000);

    @Test
    void aFullBucketLetsABurstThroughThenSaysHowLongUntilTheNextToken() {
        var bucket = new TokenBucket(2, 3, now::get);
        assertThat(bucket.tryTake()).isZero();
        assertThat(bucket.tryTake()).isZero();
        assertThat(bucket.tryTake()).isZero();
        assertThat(bucket.tryTake()).isEqualTo(Duration.ofMillis(500).toNanos());
        now.addAndGet(Duration.ofMillis(200).toNanos());
        assertThat(bucket.tryTake()).isEqualTo(Duration.ofMillis(300).toNanos());
        now.addAndGet(Duration.ofMillis(300).toNanos());
        assertThat(bucket.tryTake()).isZero();
        assertThat(bucket.tryTake()).isPositive();
    }

    @Test
    void refillsAtTheRateWithoutLosingFractionsAndNeverBeyondTheBurst() {
        var bucket = new TokenBucket(10, 2, now::get);
        bucket.tryTake();
        bucket.tryTake();
        // ten steps of 10 ms make one 100 ms token, however the time is cut up
        for (int i = 0; i < 9; i++) {
            now.addAndGet(Duration.ofMillis(10).toNanos());
            assertThat(bucket.tryTake()).as("after %d0 ms", i + 1).isPositive();
        }
        now.addAndGet(Duration.ofMillis(10).toNanos());
        assertThat(bucket.tryTake()).isZero();

        now.addAndGet(Duration.ofHours(1).toNanos());
        assertThat(bucket.tryTake()).isZero();
        assertThat(bucket.tryTake()).isZero();
        assertThat(bucket.tryTake()).as("an idle hour fills the bucket, not more").isPositive();
    }

    @Test
    void slowRatesWaitWholeSecondsAndHugeBurstsDoNotOverflow() {
        var slow = new TokenBucket(0.1, 1, now::get);
        assertThat(slow.tryTake()).isZero();
        assertThat(slow.tryTake()).isEqualTo(Duration.ofSeconds(10).toNanos());

        var huge = new TokenBucket(0.001, Integer.MAX_VALUE, now::get);
        for (int i = 0; i < 1000; i++) {
            assertThat(huge.tryTake()).isZero();
        }
    }

    @Test
    void refusesRatesAndBurstsThatMeanNothing() {
        assertThatThrownBy(() -> new TokenBucket(0, 1, now::get)).hasMessageContaining("positive");
        assertThatThrownBy(() -> new TokenBucket(Double.NaN, 1, now::get)).hasMessageContaining("positive");
        assertThatThrownBy(() -> new TokenBucket(1, 0, now::get)).hasMessageContaining("burst");
    }
}
