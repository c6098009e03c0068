package io.flotilla.controlplane.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.flotilla.placement.routing.LiveLoad;
import io.flotilla.proto.v1.InferenceLoad;
import io.flotilla.proto.v1.LoadReport;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LiveLoadTableTest {

    private long nanos = 1_000_000_000L;
    private final LiveLoadTable table = new LiveLoadTable(Duration.ofSeconds(6), () -> nanos);

    private static LoadReport report(String cluster, long seconds, double waiting) {
        return LoadReport.newBuilder().setClusterId(cluster).setTime(Timestamp.newBuilder().setSeconds(seconds))
                .addLoads(InferenceLoad.newBuilder().setWorkload("chat-eu").setRequestsWaiting(waiting).setRequestsRunning(4)
                        .setKvCacheUsage(0.5))
                .build();
    }

    @Test
    void keepsTheNewestReportPerClusterAndDropsOlderOnes() {
        assertThat(table.offer(report("par", 100, 3))).isTrue();
        assertThat(table.offer(report("par", 102, 7))).isTrue();
        assertThat(table.offer(report("par", 101, 1))).as("older than the one held").isFalse();
        assertThat(table.of("par", "chat-eu")).isEqualTo(new LiveLoad(7, 4, 0.5));
        assertThat(table.of("par", "other")).isNull();
        assertThat(table.of("fra", "chat-eu")).isNull();
    }

    @Test
    void aReportOlderThanTheMaxAgeCountsAsAbsentAndIsPruned() {
        table.offer(report("par", 100, 3));
        nanos += Duration.ofSeconds(6).toNanos();
        assertThat(table.of("par", "chat-eu")).as("just within the max age").isNotNull();
        nanos += 1;
        assertThat(table.of("par", "chat-eu")).isNull();
        table.prune();
        assertThat(table.size()).isZero();
        table.offer(report("par", 200, 1));
        assertThat(table.of("par", "chat-eu")).as("a fresh report counts again").isNotNull();
    }
}
