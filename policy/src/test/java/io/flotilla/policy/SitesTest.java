package io.flotilla.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SitesTest {
    @Test
    void shipsSeventyNamedSitesWithCoordinates() {
        Sites sites = Sites.builtIn();
        assertThat(sites.all()).hasSize(70);
        assertThat(sites.find("mumbai")).hasValueSatisfying(s -> {
            assertThat(s.subdivision()).isEqualTo("IN-MH");
            assertThat(s.location()).isEqualTo(new GeoPoint(19.08, 72.88));
        });
        assertThat(sites.find("atlantis")).isEmpty();
    }
}
