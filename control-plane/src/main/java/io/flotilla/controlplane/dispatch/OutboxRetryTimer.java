package io.flotilla.controlplane.dispatch;

import io.flotilla.controlplane.leader.LeadershipAcquired;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Retries unacknowledged publications periodically. The scheduler starts before the messaging
 * channels are wired, so the timer stays idle until start-up has completed.
 */
@ApplicationScoped
class OutboxRetryTimer {

    private final OutboxPublisher publisher;
    private volatile boolean started;

    OutboxRetryTimer(OutboxPublisher publisher) {
        this.publisher = publisher;
    }

    void onStart(@Observes StartupEvent event) {
        started = true;
    }

    /** A new leader publishes what the previous one left at once, not at the next retry. */
    void onLeadership(@Observes LeadershipAcquired event) {
        if (started) {
            publisher.requestDrain();
        }
    }

    @Scheduled(every = "${flotilla.dispatch.retry-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void retry() {
        if (started) {
            publisher.requestDrain();
        }
    }
}
