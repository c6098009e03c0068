package io.flotilla.bench.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GenerationTrackerTest {

    private static final long S = 1_000_000_000L;

    private final GenerationTracker tracker = new GenerationTracker(List.of("a", "b"), Duration.ofSeconds(120));

    @Test
    void aClusterIsBehindUntilItAppliesItsNewestDesiredGeneration() {
        tracker.desired("a", 1, 0);
        tracker.desired("b", 1, 0);
        GenerationTracker.Snapshot s = tracker.update(Map.of("a", 1L, "b", 0L), 10 * S);
        assertThat(s.converged()).isEqualTo(1);
        assertThat(s.behind()).isEqualTo(1);
        assertThat(s.stuck()).isZero();
        assertThat(s.oldestPending()).isEqualTo(Duration.ofSeconds(10));
        assertThat(tracker.behind()).containsExactly("b");
        assertThat(tracker.allConvergedOnSomething()).isFalse();

        s = tracker.update(Map.of("a", 1L, "b", 1L), 20 * S);
        assertThat(s.converged()).isEqualTo(2);
        assertThat(tracker.allConvergedOnSomething()).isTrue();
    }

    @Test
    void aGenerationSupersededBeforeItWasAppliedIsNotLostButCountsAsStuckWhenThatTookTooLong() {
        tracker.desired("a", 1, 0);
        tracker.desired("a", 2, 60 * S);
        // 2 applied at 100 s: 1 was superseded in time
        assertThat(tracker.update(Map.of("a", 2L), 100 * S).stuckGenerations()).isZero();

        tracker.desired("a", 3, 200 * S);
        tracker.desired("a", 4, 260 * S);
        GenerationTracker.Snapshot s = tracker.update(Map.of("a", 2L), 330 * S);
        assertThat(s.stuck()).isEqualTo(1);
        assertThat(s.stuckGenerations()).isEqualTo(1); // 3, pending for 130 s; 4 for 70 s
        s = tracker.update(Map.of("a", 4L), 340 * S);
        assertThat(s.stuck()).isZero();
        assertThat(s.stuckGenerations()).isEqualTo(1); // counted for good
        tracker.forgetStuck();
        assertThat(tracker.update(Map.of(), 350 * S).stuckGenerations()).isZero();
    }

    @Test
    void theFirstSightingCountsAndOldOrForeignGenerationsChangeNothing() {
        tracker.desired("a", 2, 0); // from the control plane's list
        tracker.desired("a", 2, 50 * S); // published later
        tracker.desired("a", 1, 60 * S); // an older one, late
        tracker.desired("x", 9, 0); // not a simulated cluster
        assertThat(tracker.desired()).containsEntry("a", 2L).containsEntry("b", 0L).doesNotContainKey("x");
        assertThat(tracker.update(Map.of("a", 0L), 121 * S).stuck()).isEqualTo(1);
        tracker.update(Map.of("a", 2L), 122 * S);
        tracker.desired("a", 1, 130 * S);
        assertThat(tracker.behind()).isEmpty();
    }
}
