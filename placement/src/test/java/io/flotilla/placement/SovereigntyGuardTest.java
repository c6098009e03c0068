package io.flotilla.placement;

import static io.flotilla.placement.Fixtures.cluster;
import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.policy.AllowedJurisdictions;
import io.flotilla.policy.JurisdictionCatalog;
import org.junit.jupiter.api.Test;

class SovereigntyGuardTest {

    private final JurisdictionCatalog catalog = JurisdictionCatalog.builtIn();

    @Test
    void dataReachesOnlyClustersInTheAllowedJurisdictions() {
        AllowedJurisdictions eu = catalog.allowed("EU");
        ClusterState fra = cluster("fra").jurisdiction("DE").build();
        ClusterState nyc = cluster("nyc").jurisdiction("US").build();
        assertThat(SovereigntyGuard.permits(eu, fra)).isTrue();
        assertThat(SovereigntyGuard.violation(eu, fra)).isEmpty();
        assertThat(SovereigntyGuard.permits(eu, nyc)).isFalse();
        assertThat(SovereigntyGuard.violation(eu, nyc)).contains("jurisdiction US is not in [EU]");
        // by jurisdiction, as the router decides for every cluster in one at once
        assertThat(SovereigntyGuard.permits(eu, "DE-BY")).isTrue();
        assertThat(SovereigntyGuard.permits(eu, "US-NY")).isFalse();
        assertThat(SovereigntyGuard.permits(eu, (String) null)).isFalse();
    }

    @Test
    void aRequestMayNarrowItsTenantsJurisdictionsButNeverWidenThem() {
        AllowedJurisdictions eu = catalog.allowed("EU");
        assertThat(SovereigntyGuard.permitsNarrowing(catalog.allowed("DE"), eu)).isTrue();
        assertThat(SovereigntyGuard.permitsNarrowing(catalog.allowed("DE-BY"), eu)).isTrue();
        assertThat(SovereigntyGuard.permitsNarrowing(eu, eu)).isTrue();
        assertThat(SovereigntyGuard.permitsNarrowing(catalog.allowed("US"), eu)).isFalse();
        assertThat(SovereigntyGuard.permitsNarrowing(catalog.allowed("EEA"), eu)).isFalse();
        assertThat(SovereigntyGuard.permitsNarrowing(catalog.allowed("IN"), catalog.allowed("IN-MH"))).isFalse();
    }
}
