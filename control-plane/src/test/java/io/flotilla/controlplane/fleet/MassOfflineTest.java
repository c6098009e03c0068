package io.flotilla.controlplane.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class MassOfflineTest {

    @ParameterizedTest(name = "{1} of {0} offline, threshold {2}, at least {3} clusters: holds={4}, {5} to come back")
    @CsvSource({
            // reporting, offline, threshold, min clusters, holds, to come back
            "4, 3, 0.5, 3, true, 1",
            "4, 2, 0.5, 3, false, 0", // exactly half is not more than half
            "4, 1, 0.5, 3, false, 0",
            "4, 4, 0.5, 3, true, 2",
            "3, 2, 0.5, 3, true, 1",
            "2, 2, 0.5, 3, false, 0", // below the minimum fleet size: a pair is never protected
            "1, 1, 0.5, 3, false, 0",
            "0, 0, 0.5, 3, false, 0",
            "10, 6, 0.5, 3, true, 1",
            "10, 8, 0.7, 3, true, 1",
            "10, 7, 0.7, 3, false, 0",
            "10, 10, 1.0, 3, false, 0", // threshold 1: off
            "2, 2, 0.5, 2, true, 1",
    })
    void holdsOnlyWhenMoreThanTheThresholdOfAFleetLargeEnoughIsOffline(int reporting, int offline, double threshold,
            int minClusters, boolean holds, int toComeBack) {
        MassOffline m = new MassOffline(reporting, offline, threshold, minClusters);
        assertThat(m.holds()).isEqualTo(holds);
        assertThat(m.toComeBack()).isEqualTo(toComeBack);
        if (holds) {
            assertThat(new MassOffline(reporting, offline - toComeBack, threshold, minClusters).holds())
                    .as("ends once that many are back").isFalse();
        }
    }

    @Test
    void refusesAThresholdOutsideZeroToOne() {
        assertThatThrownBy(() -> new MassOffline(4, 1, 1.5, 3)).hasMessageContaining("[0, 1]");
        assertThatThrownBy(() -> new MassOffline(4, 1, -0.1, 3)).hasMessageContaining("[0, 1]");
    }
}
