package io.flotilla.controlplane.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RolloutReasonTest {

    @Test
    void namesEveryFailedClusterWhileTheyAreFew() {
        assertThat(RolloutService.failed(List.of("ber-1", "par-2"))).isEqualTo("2 failed [ber-1, par-2]");
    }

    @Test
    void thousandsOfFailedClustersFitTheReasonColumn() {
        // cluster ids of the maximum length (63), as many as a 10,000-cluster rollout can fail
        List<String> ids = IntStream.range(0, 9_356).mapToObj(i -> ("c" + i + "-").repeat(30).substring(0, 63)).toList();
        String reason = RolloutService.failed(ids) + ", more than maxUnavailable 100% (10000 of 10000)";
        assertThat(reason).hasSizeLessThanOrEqualTo(2_000)
                .startsWith("9356 failed [" + ids.get(0) + ", ")
                .contains(ids.get(RolloutService.NAMED_FAILURES - 1) + ", and 9336 more]")
                .doesNotContain(ids.get(RolloutService.NAMED_FAILURES));
    }
}
