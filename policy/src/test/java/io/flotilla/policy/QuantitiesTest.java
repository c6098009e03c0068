package io.flotilla.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class QuantitiesTest {

    @ParameterizedTest(name = "{0} = {1}m, printed {2}")
    @CsvSource({"4, 4000, 4", "0.5, 500, 500m", "500m, 500, 500m", "2.25, 2250, 2250m", "1000m, 1000, 1"})
    void parsesAndPrintsCpu(String text, long millicores, String canonical) {
        CpuQuantity q = CpuQuantity.parse(text).orElseThrow();
        assertThat(q.millicores()).isEqualTo(millicores);
        assertThat(q).hasToString(canonical);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "4 cores", "0.0001", "1.5m", "-1", "4M", "1e3"})
    void rejectsMalformedCpu(String text) {
        assertThat(CpuQuantity.parse(text)).isEmpty();
    }

    @ParameterizedTest(name = "{0} = {1} bytes, printed {2}")
    @CsvSource({"16Gi, 17179869184, 16Gi", "512Mi, 536870912, 512Mi", "1G, 1000000000, 1G", "1.5Gi, 1610612736, 1536Mi",
            "1024, 1024, 1Ki", "1000, 1000, 1k", "1023, 1023, 1023", "0.5Ki, 512, 512"})
    void parsesAndPrintsMemory(String text, long bytes, String canonical) {
        MemoryQuantity q = MemoryQuantity.parse(text).orElseThrow();
        assertThat(q.bytes()).isEqualTo(bytes);
        assertThat(q).hasToString(canonical);
        assertThat(MemoryQuantity.parse(canonical)).contains(q);
    }

    @ParameterizedTest
    @ValueSource(strings = {"16GB", "16gi", "Gi", "1.1", "0.3Ki", "99999999999Ei"})
    void rejectsMalformedOrFractionalMemory(String text) {
        assertThat(MemoryQuantity.parse(text)).isEmpty();
    }

    @ParameterizedTest(name = "{0} of {1} = {2}")
    @CsvSource({"25%, 8, 2", "25%, 9, 3", "100%, 3, 3", "2, 10, 2", "1%, 1, 1"})
    void resolvesCountsAndPercentagesRoundingUp(String text, int total, int expected) {
        assertThat(IntOrPercent.parse(text).orElseThrow().of(total)).isEqualTo(expected);
    }
}
