package io.flotilla.bench.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SoakOptionsTest {

    @Test
    void defaultsAreTheThirtyMinuteSoakOfAThousandClusters() {
        SoakOptions o = SoakOptions.parse();
        assertThat(o.clusters()).isEqualTo(1000);
        assertThat(o.duration()).isEqualTo(Duration.ofMinutes(30));
        assertThat(o.policyInterval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(o.restartsPerMinute()).isEqualTo(5);
        assertThat(o.telemetryInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(o.stuckAfter()).isEqualTo(Duration.ofMinutes(2));
        assertThat(o.settle()).isEqualTo(Duration.ofMinutes(2));
        assertThat(o.csv()).isEmpty();
        assertThat(o.mosquitto()).isEqualTo(Path.of("/usr/sbin/mosquitto"));
    }

    @Test
    void theBoundsFollowThePolicyIntervalUnlessGiven() {
        SoakOptions o = SoakOptions.parse("--clusters", "200", "--duration=3m", "--policy-interval", "30s",
                "--csv", "out/soak.csv", "--control-plane-java-opts", " -XX:+UseSerialGC  -Xss1m ");
        assertThat(o.stuckAfter()).isEqualTo(Duration.ofMinutes(1));
        assertThat(o.settle()).isEqualTo(Duration.ofMinutes(1));
        assertThat(o.csv()).contains(Path.of("out/soak.csv"));
        assertThat(o.controlPlaneJavaOptions()).containsExactly("-XX:+UseSerialGC", "-Xss1m");
        assertThat(SoakOptions.parse("--stuck-after", "90s", "--settle", "5m").settle()).isEqualTo(Duration.ofMinutes(5));
        assertThat(SoakOptions.parse("--restarts-per-minute", "0").restartsPerMinute()).isZero();
    }

    @Test
    void mistakesAreRefusedWithTheOptionNamed() {
        assertThatThrownBy(() -> SoakOptions.parse("--clusters", "0")).hasMessageContaining("--clusters");
        assertThatThrownBy(() -> SoakOptions.parse("--duration", "0s")).hasMessageContaining("--duration");
        assertThatThrownBy(() -> SoakOptions.parse("--policy-interval", "soon")).hasMessageContaining("--policy-interval");
        assertThatThrownBy(() -> SoakOptions.parse("--http-port", "28883")).hasMessageContaining("ports must differ");
        assertThatThrownBy(() -> SoakOptions.parse("--control-plane-heap", "lots")).hasMessageContaining("heap");
        assertThatThrownBy(() -> SoakOptions.parse("--clusters")).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> SoakOptions.parse("--frobnicate", "1")).hasMessageContaining("unknown option");
        assertThatThrownBy(() -> SoakOptions.parse("--help")).hasMessage("help");
    }
}
