package io.flotilla.controlplane.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The route reason's numbers, written without a formatter: the same text as {@code %.1f}. */
class RouteReasonNumbersTest {

    private static String tenths(double value) {
        return FailoverProxy.appendTenths(new StringBuilder(), value).toString();
    }

    @Test
    void writesWhatPercentPointOneFWrites() {
        SplittableRandom random = new SplittableRandom(18);
        for (int i = 0; i < 200_000; i++) {
            double value = switch (i % 4) {
                case 0 -> random.nextDouble(10);
                case 1 -> random.nextDouble(100_000);
                case 2 -> Math.round(random.nextDouble(1_000) * 100) / 100.0; // two decimals: the half-way cases
                default -> -random.nextDouble(0.05, 500);
            };
            assertThat(tenths(value)).as("%s", value).isEqualTo(String.format(Locale.ROOT, "%.1f", value));
        }
    }

    @Test
    void edgeCases() {
        assertThat(tenths(0)).isEqualTo("0.0");
        assertThat(tenths(0.05)).isEqualTo("0.1");
        assertThat(tenths(12.34)).isEqualTo("12.3");
        assertThat(tenths(-0.01)).as("no minus sign on a zero").isEqualTo("0.0");
        assertThat(tenths(Double.NaN)).isEqualTo("NaN");
        assertThat(tenths(Double.POSITIVE_INFINITY)).isEqualTo("Infinity");
    }
}
