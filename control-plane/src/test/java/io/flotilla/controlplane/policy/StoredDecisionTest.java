package io.flotilla.controlplane.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.flotilla.placement.ClusterAssignment;
import io.flotilla.placement.ClusterExclusion;
import io.flotilla.placement.PlacementDecision;
import io.flotilla.placement.Reservation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StoredDecisionTest {

    private static final ClusterExclusion.Reason OUTSIDE = new ClusterExclusion.Reason("jurisdiction", "jurisdiction US is outside EU");
    private static final ClusterExclusion.Reason NO_GPU = new ClusterExclusion.Reason("gpu-fit", "no GPU with 24 GiB");
    private static final ClusterExclusion.Reason TAINTED = new ClusterExclusion.Reason("taints", "taint gpu=busy not tolerated");

    /** 200 clusters outside the jurisdictions, then 50 without the GPU, of which 20 also tainted; one chosen. */
    private static PlacementDecision decision(Map<String, String> jurisdictions) {
        var excluded = new ArrayList<ClusterExclusion>();
        for (int i = 0; i < 250; i++) {
            String id = "c-%03d".formatted(i);
            jurisdictions.put(id, i < 200 ? "US" : "DE");
            excluded.add(new ClusterExclusion(id, i < 200 ? List.of(OUTSIDE) : i < 230 ? List.of(NO_GPU) : List.of(NO_GPU, TAINTED)));
        }
        jurisdictions.put("fra-1", "DE");
        return new PlacementDecision("chat", List.of(new ClusterAssignment("fra-1", 2, 88.5, Map.of("latency", 88.5),
                new Reservation("L4", 24, 1, 1000, 1L << 30))), excluded, Optional.empty());
    }

    @Test
    void keepsEveryChosenClusterAndTheFirstHundredLeftOutAndCountsAllOfThemPerReason() {
        var jurisdictions = new HashMap<String, String>();
        StoredDecision stored = StoredDecision.of(decision(jurisdictions), jurisdictions);

        assertThat(stored.chosen()).singleElement().satisfies(c -> {
            assertThat(c.cluster()).isEqualTo("fra-1");
            assertThat(c.jurisdiction()).isEqualTo("DE");
            assertThat(c.replicas()).isEqualTo(2);
        });
        assertThat(stored.excluded()).hasSize(StoredDecision.EXCLUDED_KEPT);
        assertThat(stored.excluded().get(0).cluster()).isEqualTo("c-000");
        assertThat(stored.excluded().get(99).cluster()).isEqualTo("c-099");
        assertThat(stored.excluded().get(0).jurisdiction()).isEqualTo("US");
        assertThat(stored.excludedTotal()).isEqualTo(250);
        assertThat(stored.excludedBySource()).containsExactly(Map.entry("gpu-fit", 50), Map.entry("jurisdiction", 200),
                Map.entry("taints", 20));
        assertThat(stored.satisfied()).isTrue();
    }

    @Test
    void readsBackWhatItWroteAndGivesTheEngineTheChosenClusters() throws Exception {
        var mapper = new ObjectMapper();
        var jurisdictions = new HashMap<String, String>();
        StoredDecision stored = StoredDecision.of(decision(jurisdictions), jurisdictions);

        StoredDecision read = mapper.readValue(mapper.writeValueAsString(stored), StoredDecision.class);

        assertThat(read).isEqualTo(stored);
        PlacementDecision next = read.toDecision("chat");
        assertThat(next.chosen()).singleElement().satisfies(a -> {
            assertThat(a.clusterId()).isEqualTo("fra-1");
            assertThat(a.reservation().gpus()).isEqualTo(1);
        });
    }

    @Test
    void aDecisionStoredBeforeTheCountsIsCountedFromItsList() throws Exception {
        String before = """
                {"chosen":[],"excluded":[
                  {"cluster":"a","jurisdiction":"US","reasons":[{"source":"jurisdiction","message":"outside"}]},
                  {"cluster":"b","jurisdiction":"DE","reasons":[{"source":"gpu","message":"none"},{"source":"gpu","message":"small"}]}],
                 "shortfall":"needs 1 cluster, 0 eligible"}""";

        StoredDecision read = new ObjectMapper().readValue(before, StoredDecision.class);

        assertThat(read.excludedTotal()).isEqualTo(2);
        assertThat(read.excludedBySource()).containsExactly(Map.entry("gpu", 1), Map.entry("jurisdiction", 1));
        assertThat(read.satisfied()).isFalse();
    }
}
