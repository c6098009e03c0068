package io.flotilla.agent.link;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class OutboundQueueTest {

    private final InMemoryControlPlaneLink link = new InMemoryControlPlaneLink();

    private static OutboundMessage message(String text) {
        return new OutboundMessage("t", text.getBytes(StandardCharsets.UTF_8), 1, false);
    }

    private static String text(OutboundMessage m) {
        return new String(m.payload(), StandardCharsets.UTF_8);
    }

    @Test
    void sendsAtOnceWhenConnected() {
        link.start(new NoopListener());
        link.connect();
        OutboundQueue queue = new OutboundQueue(link, 3);

        assertThat(queue.send(message("a"))).isEqualTo(OutboundQueue.Delivery.SENT);
        assertThat(link.published()).extracting(OutboundQueueTest::text).containsExactly("a");
    }

    @Test
    void whileOfflineKeepsTheNewestUpToCapacityCountsDropsAndFlushesInOrder() {
        link.start(new NoopListener());
        OutboundQueue queue = new OutboundQueue(link, 3);

        for (String s : new String[] {"1", "2", "3", "4", "5"}) {
            assertThat(queue.send(message(s))).isEqualTo(OutboundQueue.Delivery.BUFFERED);
        }
        assertThat(queue.buffered()).isEqualTo(3);
        assertThat(queue.dropped()).isEqualTo(2);

        link.connect();
        assertThat(queue.flush()).isEqualTo(3);

        assertThat(link.published()).extracting(OutboundQueueTest::text).containsExactly("3", "4", "5");
        assertThat(queue.buffered()).isZero();
    }

    @Test
    void newMessageNeverOvertakesBufferedOnes() {
        link.start(new NoopListener());
        OutboundQueue queue = new OutboundQueue(link, 10);
        queue.send(message("old"));
        link.connect();

        queue.send(message("new"));

        assertThat(link.published()).extracting(OutboundQueueTest::text).containsExactly("old", "new");
    }

    @Test
    void backoffGrowsExponentiallyWithinJitterBoundsUpToTheCap() {
        Backoff low = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), () -> 0.0);
        Backoff high = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), () -> 1.0);

        assertThat(low.delay(0)).isEqualTo(Duration.ofMillis(500));
        assertThat(high.delay(0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(high.delay(3)).isEqualTo(Duration.ofSeconds(8));
        assertThat(low.delay(3)).isEqualTo(Duration.ofSeconds(4));
        assertThat(high.delay(10)).isEqualTo(Duration.ofSeconds(60));
        assertThat(high.delay(500)).isEqualTo(Duration.ofSeconds(60));
    }

    private static final class NoopListener implements ControlPlaneLink.Listener {
        @Override
        public void onDesiredState(byte[] payload) {
        }

        @Override
        public void onConnected() {
        }

        @Override
        public void onDisconnected(String cause) {
        }
    }
}
