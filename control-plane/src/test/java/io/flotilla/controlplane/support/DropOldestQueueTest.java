package io.flotilla.controlplane.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DropOldestQueueTest {

    @Test
    void fullQueueDropsTheOldestAndCountsIt() throws Exception {
        var queue = new DropOldestQueue<Integer>(3);
        int dropped = 0;
        for (int i = 1; i <= 5; i++) {
            dropped += queue.offer(i);
        }
        assertThat(dropped).isEqualTo(2);
        assertThat(queue.dropped()).isEqualTo(2);
        var drained = new ArrayList<Integer>();
        assertThat(queue.drain(drained, 2, 0, TimeUnit.MILLISECONDS)).isEqualTo(2);
        assertThat(drained).containsExactly(3, 4);
        assertThat(queue.size()).isEqualTo(1);
    }

    @Test
    void drainOfAnEmptyQueueReturnsNothingAfterTheTimeout() throws Exception {
        var queue = new DropOldestQueue<String>(2);
        assertThat(queue.drain(new ArrayList<>(), 10, 10, TimeUnit.MILLISECONDS)).isZero();
    }
}
