package io.flotilla.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.agent.link.ControlPlaneLink;
import io.flotilla.agent.link.OutboundMessage;
import io.flotilla.proto.EnvelopeCodec;
import io.flotilla.proto.Topics;
import io.flotilla.proto.v1.InferenceLoad;
import io.flotilla.proto.v1.LoadReport;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class LoadReporterTest {

    /** A link that records what it is asked to publish. */
    private static ControlPlaneLink link(List<OutboundMessage> sent, BooleanSupplier connected) {
        return new ControlPlaneLink() {
            @Override
            public void start(Listener listener) {
            }

            @Override
            public boolean isConnected() {
                return connected.getAsBoolean();
            }

            @Override
            public void publish(OutboundMessage message) {
                sent.add(message);
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void publishesSignedLoadAtQos0OnlyWhileConnectedAndNeverBuffers() {
        var sent = new ArrayList<OutboundMessage>();
        boolean[] connected = {false};
        ControlPlaneLink link = link(sent, () -> connected[0]);
        EnvelopeCodec codec = Fixtures.agentCodec(Fixtures.newKey());
        LoadReport report = LoadReport.newBuilder().setClusterId("edge-1")
                .addLoads(InferenceLoad.newBuilder().setWorkload("chat-eu").setRequestsWaiting(3)).build();
        try (var reporter = new LoadReporter("edge-1", () -> report, codec, link)) {
            assertThat(reporter.sendOnce()).as("link down: dropped, not queued").isFalse();
            connected[0] = true;
            assertThat(reporter.sendOnce()).isTrue();
        }
        assertThat(sent).singleElement().satisfies(m -> {
            assertThat(m.topic()).isEqualTo(Topics.load("edge-1"));
            assertThat(m.qos()).isZero();
            assertThat(m.retained()).isFalse();
        });
    }

    @Test
    void sendsNothingWhenNoModelServerAnswered() {
        var sent = new ArrayList<OutboundMessage>();
        ControlPlaneLink link = link(sent, () -> true);
        try (var reporter = new LoadReporter("edge-1", () -> LoadReport.newBuilder().setClusterId("edge-1").build(),
                Fixtures.agentCodec(Fixtures.newKey()), link)) {
            assertThat(reporter.sendOnce()).isFalse();
        }
        assertThat(sent).isEqualTo(List.of());
    }
}
