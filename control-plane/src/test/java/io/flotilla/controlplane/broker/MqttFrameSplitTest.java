package io.flotilla.controlplane.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The control plane's MQTT inputs (SmallRye's connector on the Vert.x MQTT client) decode with Netty's
 * {@link MqttDecoder}. Netty 4.1.133 (Quarkus 3.33.2's version) threw {@code TooLongFrameException} for any
 * PUBLISH whose variable header (the topic) was split across two TCP reads, whatever its size, and the client
 * closed the connection. A burst of thousands of small retained presence messages splits headers all the time:
 * at 10,000 clusters the presence subscription reconnected in a loop. This pins a Netty with the fix
 * (netty/netty#16916) with the decoder as the client builds it (frame limit from {@code max-message-size}).
 */
class MqttFrameSplitTest {

    private static final int MAX_MESSAGE_SIZE = 266_240;

    @Test
    void publishSplitInsideItsTopicDecodesOnceTheRestArrives() {
        ByteBuf wire = encode("flotilla/v1/clusters/sim-paris-42/presence", new byte[180]);
        for (int split = 1; split < wire.readableBytes(); split++) {
            EmbeddedChannel channel = new EmbeddedChannel(new MqttDecoder(MAX_MESSAGE_SIZE));
            channel.writeInbound(wire.retainedSlice(0, split));
            channel.writeInbound(wire.retainedSlice(split, wire.readableBytes() - split));
            MqttMessage result = channel.readInbound();
            assertThat(result.decoderResult().isSuccess()).as("split after byte %d: %s", split, result.decoderResult()).isTrue();
            MqttPublishMessage decoded = (MqttPublishMessage) result;
            assertThat(decoded.variableHeader().topicName()).isEqualTo("flotilla/v1/clusters/sim-paris-42/presence");
            assertThat(decoded.payload().readableBytes()).isEqualTo(180);
            decoded.release();
            channel.finishAndReleaseAll();
        }
        wire.release();
    }

    @Test
    void aBurstOfSmallMessagesInArbitraryChunksDecodesCompletely() {
        ByteBuf wire = Unpooled.buffer();
        for (int i = 0; i < 2_000; i++) {
            ByteBuf one = encode("flotilla/v1/clusters/sim-" + i + "/presence", ("online " + i).getBytes(StandardCharsets.UTF_8));
            wire.writeBytes(one);
            one.release();
        }
        EmbeddedChannel channel = new EmbeddedChannel(new MqttDecoder(MAX_MESSAGE_SIZE));
        int chunk = 1_000; // not a multiple of any message's length: headers land on chunk boundaries
        while (wire.isReadable()) {
            channel.writeInbound(wire.readRetainedSlice(Math.min(chunk, wire.readableBytes())));
        }
        List<String> topics = new ArrayList<>();
        for (MqttMessage m; (m = channel.readInbound()) != null; ) {
            assertThat(m.decoderResult().isSuccess()).as("after %d messages: %s", topics.size(), m.decoderResult()).isTrue();
            topics.add(((MqttPublishMessage) m).variableHeader().topicName());
            ((MqttPublishMessage) m).release();
        }
        assertThat(topics).hasSize(2_000).startsWith("flotilla/v1/clusters/sim-0/presence")
                .endsWith("flotilla/v1/clusters/sim-1999/presence");
        wire.release();
        channel.finishAndReleaseAll();
    }

    private static ByteBuf encode(String topic, byte[] payload) {
        var message = new MqttPublishMessage(new MqttFixedHeader(MqttMessageType.PUBLISH, false, MqttQoS.AT_LEAST_ONCE, true, 0),
                new MqttPublishVariableHeader(topic, 7), Unpooled.wrappedBuffer(payload));
        EmbeddedChannel encoder = new EmbeddedChannel(MqttEncoder.INSTANCE);
        encoder.writeOutbound(message);
        ByteBuf out = Unpooled.buffer();
        for (ByteBuf part; (part = encoder.readOutbound()) != null; ) {
            out.writeBytes(part);
            part.release();
        }
        encoder.finishAndReleaseAll();
        return out;
    }
}
