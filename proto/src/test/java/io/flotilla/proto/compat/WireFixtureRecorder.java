package io.flotilla.proto.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Records this code's wire as a release's fixtures, run once when a version is released (docs/operations.md,
 * "Upgrades and version skew"):
 * {@code ./flotilla mvn -pl proto -am test -Dtest=WireFixtureRecorder -Dsurefire.failIfNoSpecifiedTests=false -Dflotilla.wire.record=0.2}
 */
@EnabledIfSystemProperty(named = "flotilla.wire.record", matches = "\\d+\\.\\d+")
class WireFixtureRecorder {

    @Test
    void recordsThisCodesWire() throws Exception {
        var folder = WireRecording.record(System.getProperty("flotilla.wire.record"));

        assertThat(Files.list(folder)).hasSize(WireSamples.Kind.values().length + 2);
        System.out.println("recorded the wire in " + folder.toAbsolutePath());
    }
}
