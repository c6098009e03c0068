package io.flotilla.placement.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.placement.NetworkLatency;
import io.flotilla.policy.GeoPoint;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.api.Test;

/** The router skips a cluster on these bounds alone, so they must enclose the exact estimate everywhere. */
class ArcTableTest {

    @Property(tries = 5000)
    void boundsEncloseTheExactEstimate(
            @ForAll @DoubleRange(min = -90, max = 90) double lat1, @ForAll @DoubleRange(min = -180, max = 180) double lon1,
            @ForAll @DoubleRange(min = -90, max = 90) double lat2, @ForAll @DoubleRange(min = -180, max = 180) double lon2) {
        assertEnclosed(new GeoPoint(lat1, lon1), new GeoPoint(lat2, lon2));
    }

    @Test
    void boundsHoldAtTheEndsOfTheTable() {
        GeoPoint paris = new GeoPoint(48.86, 2.35);
        assertEnclosed(paris, paris);
        assertEnclosed(paris, new GeoPoint(48.8600001, 2.3500001));
        assertEnclosed(paris, new GeoPoint(-48.86, -177.65)); // antipode: chord 2
        assertEnclosed(paris, new GeoPoint(-48.8599, -177.6501));
    }

    @Test
    void boundsAreTightAwayFromTheAntipode() {
        for (double chord = 0; chord < 1.9; chord += 0.001) {
            int step = CandidateIndex.ArcTable.step(chord);
            assertThat(CandidateIndex.ArcTable.upperMs(step) - CandidateIndex.ArcTable.lowerMs(step)).isLessThan(0.2);
        }
    }

    private static void assertEnclosed(GeoPoint a, GeoPoint b) {
        double[] u = NetworkLatency.unit(a);
        double[] v = NetworkLatency.unit(b);
        double dx = u[0] - v[0];
        double dy = u[1] - v[1];
        double dz = u[2] - v[2];
        int step = CandidateIndex.ArcTable.step(Math.sqrt(dx * dx + dy * dy + dz * dz));
        double exact = NetworkLatency.estimatedRttMs(NetworkLatency.kmBetweenUnitVectors(u[0], u[1], u[2], v[0], v[1], v[2]));
        assertThat(CandidateIndex.ArcTable.lowerMs(step)).isLessThanOrEqualTo(exact + 1e-9);
        assertThat(CandidateIndex.ArcTable.upperMs(step)).isGreaterThanOrEqualTo(exact - 1e-9);
    }
}
