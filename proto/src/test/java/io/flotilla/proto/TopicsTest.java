package io.flotilla.proto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class TopicsTest {

    @Test
    void buildsTheV1TopicScheme() {
        assertThat(Topics.desired("edge-1")).isEqualTo("flotilla/v1/clusters/edge-1/desired");
        assertThat(Topics.status("edge-1")).isEqualTo("flotilla/v1/clusters/edge-1/status");
        assertThat(Topics.telemetry("edge-1")).isEqualTo("flotilla/v1/clusters/edge-1/telemetry");
        assertThat(Topics.presence("edge-1")).isEqualTo("flotilla/v1/clusters/edge-1/presence");
        assertThat(Topics.sharedAllClusters(Topics.Kind.STATUS))
                .isEqualTo("$share/flotilla/flotilla/v1/clusters/+/status");
    }

    @Test
    void parsesWhatItBuilds() {
        for (Topics.Kind kind : Topics.Kind.values()) {
            assertThat(Topics.parse(Topics.topic("mumbai-03", kind)))
                    .contains(new Topics.Parsed("mumbai-03", kind));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"flotilla/v1/clusters/edge-1", "flotilla/v1/clusters/edge-1/desired/x",
            "flotilla/v2/clusters/edge-1/status", "flotilla/v1/clusters/Edge_1/status",
            "flotilla/v1/clusters/edge-1/secrets", "flotilla/v1/clusters//status"})
    void refusesTopicsOutsideTheScheme(String topic) {
        assertThat(Topics.parse(topic)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a/b", "+", "#", "UPPER", "-edge", "edge-"})
    void refusesClusterIdsThatCouldEscapeATopicLevel(String id) {
        assertThatThrownBy(() -> Topics.desired(id)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("DNS-1123");
    }
}
