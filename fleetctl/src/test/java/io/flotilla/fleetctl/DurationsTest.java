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
}
