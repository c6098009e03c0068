package io.flotilla.controlplane.policy;

import io.flotilla.controlplane.leader.Leadership;
import io.flotilla.controlplane.rollout.Rollout;
import io.flotilla.controlplane.rollout.RolloutRepository;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/** Drives rollouts on the leader: checks running ones every {@code flotilla.rollout.check-interval}. */
@ApplicationScoped
class RolloutController {

    private static final Logger LOG = Logger.getLogger(RolloutController.class);

    private final PolicyService policies;
    private final RolloutRepository rollouts;
    private final Leadership leadership;

    RolloutController(PolicyService policies, RolloutRepository rollouts, Leadership leadership) {
        this.policies = policies;
        this.rollouts = rollouts;
        this.leadership = leadership;
    }

    @Scheduled(every = "${flotilla.rollout.check-interval}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void check() {
        if (!leadership.isLeader()) {
            return;
        }
        try {
            if (QuarkusTransaction.requiringNew().call(() -> rollouts.count("state", Rollout.State.RUNNING)) > 0) {
                policies.advanceRollouts();
            }
        } catch (RuntimeException e) {
            LOG.warn("Advancing rollouts failed; retrying at the next check", e);
        }
    }
}
