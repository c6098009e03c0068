package io.flotilla.controlplane.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReplayWindowTest {

    private static final Instant T = Instant.parse("2026-12-06T10:00:00Z");

    @Test
    void messagesLateByUpToTheToleranceAreTakenOnceEach() {
        ReplayWindow w = new ReplayWindow(Duration.ofSeconds(60), 64);
        assertThat(w.accept(T, "a")).isTrue();
        assertThat(w.accept(T.minusSeconds(1), "b")).as("one second late").isTrue();
        assertThat(w.accept(T.minusSeconds(60), "c")).as("exactly the tolerance late").isTrue();
        assertThat(w.accept(T.minusSeconds(61), "d")).as("older than the tolerance").isFalse();
        assertThat(w.accept(T, "a")).as("the newest again").isFalse();
        assertThat(w.accept(T.minusSeconds(1), "b")).as("a late one again").isFalse();
        assertThat(w.accept(T.plusSeconds(1), "e")).isTrue();
    }

    @Test
    void withoutToleranceOnlyNewerOrAsNewWithAnotherIdIsTaken() {
        ReplayWindow w = new ReplayWindow(Duration.ZERO, 64);
        assertThat(w.accept(T, "online")).isTrue();
        assertThat(w.accept(T, "will")).as("encoded at the same instant").isTrue();
        assertThat(w.accept(T, "will")).isFalse();
        assertThat(w.accept(T.minusNanos(1), "older")).isFalse();
        assertThat(w.accept(T.plusNanos(1), "newer")).isTrue();
        assertThat(w.accept(T, "another")).as("older than the newest now").isFalse();
    }

    @Test
    void anIdForgottenForRoomIsStillRefusedBecauseTheFloorRosePastIt() {
        ReplayWindow w = new ReplayWindow(Duration.ofHours(1), 3);
        for (int i = 0; i < 5; i++) {
            assertThat(w.accept(T.plusSeconds(i), "m" + i)).isTrue();
        }
        // m0 and m1 were forgotten to keep three ids: their times are at or below the floor now
        assertThat(w.accept(T, "m0")).isFalse();
        assertThat(w.accept(T.plusSeconds(1), "m1")).isFalse();
        assertThat(w.accept(T.plusSeconds(1), "other")).as("as old as a forgotten id").isFalse();
        assertThat(w.accept(T.plusMillis(2_500), "between")).as("newer than the floor, inside the tolerance").isTrue();
        assertThat(w.accept(T.plusSeconds(4), "m4")).isFalse();
    }

    /** Whatever the order and the copies, a message is taken at most once; inside tolerance and capacity, exactly once. */
    @Test
    void shuffledAndDuplicatedTrafficIsTakenExactlyOncePerMessage() {
        Random random = new Random(42);
        for (int run = 0; run < 200; run++) {
            ReplayWindow w = new ReplayWindow(Duration.ofSeconds(30), 64);
            List<Integer> traffic = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                for (int copies = 1 + random.nextInt(3); copies > 0; copies--) {
                    traffic.add(i);
                }
            }
            Collections.shuffle(traffic, random);
            Set<Integer> taken = new HashSet<>();
            for (int i : traffic) {
                // 40 messages half a second apart: 20 s in all, inside the 30 s tolerance
                if (w.accept(T.plusMillis(500L * i), "m" + i)) {
                    assertThat(taken.add(i)).as("message %d taken twice", i).isTrue();
                }
            }
            assertThat(taken).hasSize(40);
        }
    }

    @Test
    void aNegativeToleranceOrNoCapacityIsRefused() {
        assertThatThrownBy(() -> new ReplayWindow(Duration.ofSeconds(-1), 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ReplayWindow(Duration.ZERO, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
