package io.flotilla.controlplane.leader;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * {@code flotilla_leader}: 1 on the replica that holds the leader lock, 0 on the others. Summed over the replicas it
 * is 1; 0 (or no series at all) means no replica places, dispatches or drives rollouts.
 */
@Startup
@ApplicationScoped
class LeaderGauge {

    LeaderGauge(Leadership leadership, MeterRegistry registry) {
        Gauge.builder("flotilla.leader", leadership, l -> l.isLeader() ? 1 : 0)
                .description("1 while this replica holds the leader lock, else 0")
                .strongReference(true)
                .register(registry);
    }
}
