package io.flotilla.fleetctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({"250ms, PT0.25S", "30s, PT30S", "10m, PT10M", "2h, PT2H", "7d, PT168H", "1h30m, PT1H30M", "PT10M, PT10M", " 5M , PT5M"})
    void readsWhatPeopleType(String text, String expected) {
        assertThat(Durations.parse(text)).contains(Duration.parse(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "soon", "10", "-5m", "PT-1M", "m10"})
    void refusesAnythingElse(String text) {
        assertThat(Durations.parse(text)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"PT10M, 10m", "PT1H30M, 1h30m", "PT0.05S, 50ms", "P1DT2S, 1d2s"})
    void formatsTheShortestForm(String duration, String expected) {
        assertThat(Durations.format(Duration.parse(duration))).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"0, 0s ago", "9, 9s ago", "59, 59s ago", "60, 1m ago", "119, 1m ago", "3599, 59m ago", "3600, 1h ago",
            "86399, 23h ago", "86400, 1d ago", "1000000, 11d ago", "-5, 0s ago"})
    void agesReadInTheirLargestWholeUnit(long secondsAgo, String expected) {
        java.time.Instant now = java.time.Instant.parse("2026-12-06T10:00:00Z");
        assertThat(Durations.ago(now.minusSeconds(secondsAgo), now)).isEqualTo(expected);
    }
}
