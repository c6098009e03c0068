package io.flotilla.controlplane.policy;

import io.flotilla.controlplane.fleet.FleetChanged;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Re-runs placement when the fleet changes under the policies: a cluster registers, reports for the first
 * time, stays offline beyond {@code flotilla.placement.offline-grace} or comes back after that. Changes are gathered for {@code flotilla.placement.debounce} so that a fleet reconnecting at
 * once costs one run, not one per cluster. Each run places everything again from observed state.
 */
@ApplicationScoped
public class PlacementTrigger {

    private static final Logger LOG = Logger.getLogger(PlacementTrigger.class);

    private final PolicyService policies;
    private final AtomicBoolean pending = new AtomicBoolean();

    PlacementTrigger(PolicyService policies) {
        this.policies = policies;
    }

    void onFleetChanged(@Observes(during = TransactionPhase.AFTER_SUCCESS) FleetChanged change) {
        if (change.kind() == FleetChanged.Kind.REGISTERED || change.kind() == FleetChanged.Kind.ELIGIBILITY) {
            pending.set(true);
        }
    }

    @Scheduled(every = "${flotilla.placement.debounce}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void runPending() {
        if (!pending.getAndSet(false)) {
            return;
        }
        try {
            policies.replace();
        } catch (RuntimeException e) {
            pending.set(true);
            LOG.warnf(e, "Placement after a fleet change failed; retrying at the next interval");
        }
    }
}
