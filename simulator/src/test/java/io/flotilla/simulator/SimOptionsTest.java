package io.flotilla.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotilla.simulator.SimOptions.ClusterApi;
import org.junit.jupiter.api.Test;

class SimOptionsTest {

    @Test
    void theLightClusterApiIsTheDefaultWithFewerServersAndNoInformers() {
        SimOptions small = SimOptions.parse("--clusters=20");
        SimOptions large = SimOptions.parse("--clusters=10000");

        assertThat(small.clusterApi()).isEqualTo(ClusterApi.LIGHT);
        assertThat(small.apiServers()).isEqualTo(1);
        assertThat(small.informers()).isFalse();
        assertThat(SimOptions.parse("--clusters=2501").apiServers()).isEqualTo(2);
        assertThat(large.apiServers()).isEqualTo(4);
        assertThat(SimOptions.parse("--clusters=10000", "--api-servers=7").apiServers()).isEqualTo(7);
    }

    @Test
    void theCrudMockKeepsItsDefaults() {
        SimOptions small = SimOptions.parse("--clusters=20", "--cluster-api", "crud");
        SimOptions large = SimOptions.parse("--clusters=10000", "--cluster-api=CRUD");

        assertThat(small.clusterApi()).isEqualTo(ClusterApi.CRUD);
        assertThat(small.apiServers()).isEqualTo(1);
        assertThat(small.informers()).isTrue();
        assertThat(large.apiServers()).isEqualTo(16);
        assertThat(large.informers()).isFalse();
    }

    @Test
    void informersNeedTheCrudMock() {
        assertThatThrownBy(() -> SimOptions.parse("--informers=true"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--cluster-api crud");
        assertThatThrownBy(() -> SimOptions.parse("--cluster-api=fast"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("light or crud");
        assertThat(SimOptions.parse("--informers=true", "--cluster-api=crud").informers()).isTrue();
    }
}
