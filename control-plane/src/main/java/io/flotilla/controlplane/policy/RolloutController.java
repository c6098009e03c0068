package io.flotilla.controlplane.policy;

import io.flotilla.controlplane.leader.Leadership;
import io.flotilla.controlplane.rollout.Rollout;
import io.flotilla.controlplane.rollout.RolloutRepository;
import io.flotilla.controlplane.rollout.RolloutService;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Drives rollouts on the leader: checks running ones every {@code flotilla.rollout.check-interval}, and counts the
 * active ones as {@code flotilla_rollouts{state="running"|"paused_on_failure"|"paused_by_request"}} (on the leader;
 * 0 elsewhere).
 */
@Startup // the gauges are on /q/metrics from the start, as 0
@ApplicationScoped
class RolloutController {

    private static final Logger LOG = Logger.getLogger(RolloutController.class);

    private final PolicyService policies;
    private final RolloutRepository rollouts;
    private final Leadership leadership;
    private final Map<String, AtomicLong> active = Map.of("running", new AtomicLong(), "paused_on_failure",
            new AtomicLong(), "paused_by_request", new AtomicLong());

    RolloutController(PolicyService policies, RolloutRepository rollouts, Leadership leadership, MeterRegistry metrics) {
        this.policies = policies;
        this.rollouts = rollouts;
        this.leadership = leadership;
        active.forEach((state, count) -> metrics.gauge("flotilla.rollouts", Tags.of("state", state), count));
    }

    @Scheduled(every = "${flotilla.rollout.check-interval}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void check() {
        active.values().forEach(count -> count.set(0));
        if (!leadership.isLeader()) {
            return;
        }
        try {
            List<Rollout> current = QuarkusTransaction.requiringNew().call(rollouts::active);
            current.forEach(r -> active.get(stateTag(r)).incrementAndGet());
            if (current.stream().anyMatch(r -> r.state == Rollout.State.RUNNING)) {
                policies.advanceRollouts();
            }
        } catch (RuntimeException e) {
            LOG.warn("Advancing rollouts failed; retrying at the next check", e);
        }
    }

    private static String stateTag(Rollout r) {
        if (r.state == Rollout.State.RUNNING) {
            return "running";
        }
        return RolloutService.PAUSED_BY_REQUEST.equals(r.reason) ? "paused_by_request" : "paused_on_failure";
    }
}
