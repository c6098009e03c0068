package io.flotilla.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.placement.ClusterState;
import io.flotilla.placement.routing.Router;
import java.util.HashSet;
import org.junit.jupiter.api.Test;

class FleetGeneratorTest {

    @Test
    void sameSeedSameFleetPoliciesAndQueries() {
        var a = new FleetGenerator(7, 500, 40);
        var b = new FleetGenerator(7, 500, 40);
        assertThat(a.snapshot()).isEqualTo(b.snapshot());
        assertThat(a.policies()).isEqualTo(b.policies());
        assertThat(a.queries(200)).containsExactly(b.queries(200));
    }

    @Test
    void otherSeedOtherFleet() {
        assertThat(new FleetGenerator(7, 500, 40).snapshot()).isNotEqualTo(new FleetGenerator(8, 500, 40).snapshot());
    }

    @Test
    void fleetIsSpreadOverTheSitesAndEveryClusterServesSomething() {
        var fleet = new FleetGenerator(42, 2000, 200);
        assertThat(fleet.snapshot().clusters()).hasSize(2000);
        assertThat(fleet.snapshot().clusters().stream().map(c -> c.labels().get("site")).distinct().count()).isEqualTo(70);
        assertThat(fleet.snapshot().clusters()).allSatisfy(c -> assertThat(c.serving()).isNotEmpty());
        var jurisdictions = new HashSet<String>();
        fleet.snapshot().clusters().stream().map(ClusterState::jurisdiction).forEach(jurisdictions::add);
        assertThat(jurisdictions).contains("DE", "IN-MH", "US-CA", "JP");
    }

    @Test
    void mostQueriesFindARoute() {
        var fleet = new FleetGenerator(42, 2000, 200);
        var router = Router.build(fleet.snapshot(), fleet.policies(), fleet.catalog());
        long routed = java.util.Arrays.stream(fleet.queries(500)).filter(q -> !router.route(q).candidates().isEmpty()).count();
        assertThat(routed).isGreaterThan(300);
    }
}
