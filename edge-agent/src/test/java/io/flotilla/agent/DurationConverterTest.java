package io.flotilla.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The plain entry point reads durations as the Quarkus build does: Quarkus's converter is the reference. */
class DurationConverterTest {

    @ParameterizedTest
    @ValueSource(strings = {"0", "30", "0s", "30s", "5m", "2h", "7d", "250ms", "1h30m", "1.5s", "PT5M", "P2D",
        "-5s", " 2s ", "10S", "3M"})
    void readsADurationAsQuarkusDoes(String value) {
        assertThat(DurationConverter.parse(value))
                .isEqualTo(io.quarkus.runtime.configuration.DurationConverter.parseDuration(value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"banana", "5x", "m5"})
    void refusesWhatIsNoDuration(String value) {
        assertThatThrownBy(() -> DurationConverter.parse(value)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(value);
    }
}
