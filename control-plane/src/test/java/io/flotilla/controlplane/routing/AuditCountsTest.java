package io.flotilla.controlplane.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.controlplane.routing.AuditCounts.Group;
import io.flotilla.proto.receipt.ReceiptClaims;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AuditCountsTest {

    private static ReceiptClaims served(String cluster, String jurisdiction, List<String> allowed) {
        return new ReceiptClaims("r", 0, "acme", "chat", "p", 1, cluster, jurisdiction, allowed, "h");
    }

    @Test
    void countsByAllowedJurisdictionsAndServingCluster() {
        var counts = new AuditCounts();
        counts.count(served("fra", "DE", List.of("EU")));
        counts.count(served("fra", "DE", List.of("EU")));
        counts.count(served("fra", "DE", List.of("DE", "FR")));
        counts.count(served("edge", null, List.of("EU")));

        assertThat(counts.pending()).isEqualTo(4);
        assertThat(counts.take()).containsOnly(Map.entry(new Group("EU", "fra", "DE"), 2L),
                Map.entry(new Group("DE,FR", "fra", "DE"), 1L), Map.entry(new Group("EU", "edge", ""), 1L));
        assertThat(counts.take()).as("taken once").isEmpty();
        assertThat(counts.pending()).isZero();
    }

    @Test
    void countsThatCouldNotBeWrittenAreTakenAgainWithTheNextOnes() {
        var counts = new AuditCounts();
        counts.count(served("fra", "DE", List.of("EU")));
        Map<Group, Long> failed = counts.take();
        counts.count(served("fra", "DE", List.of("EU")));
        counts.restore(failed);

        assertThat(counts.take()).containsOnly(Map.entry(new Group("EU", "fra", "DE"), 2L));
    }

    @Test
    void noCountIsLostWhileEventLoopsCountAndTheRecorderTakes() throws Exception {
        var counts = new AuditCounts();
        ExecutorService loops = Executors.newFixedThreadPool(4);
        for (int t = 0; t < 4; t++) {
            loops.submit(() -> {
                for (int i = 0; i < 50_000; i++) {
                    counts.count(served("fra", "DE", List.of("EU")));
                }
            });
        }
        long taken = 0;
        loops.shutdown();
        while (!loops.awaitTermination(1, TimeUnit.MILLISECONDS)) {
            taken += counts.take().values().stream().mapToLong(Long::longValue).sum();
        }
        taken += counts.take().values().stream().mapToLong(Long::longValue).sum();

        assertThat(taken).isEqualTo(200_000);
    }
}
