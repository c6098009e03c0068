package io.flotilla.controlplane.dispatch;

import io.flotilla.controlplane.fleet.ClusterRepository;
import io.flotilla.controlplane.leader.Leadership;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Watches that clusters apply what was published to them. A cluster whose applied generation is still behind
 * its outbox entry {@code flotilla.dispatch.ack-timeout} after publication gets the entry published again
 * once (a lost retained message, a broker restart); if it still does not acknowledge within another timeout
 * it is flagged {@code unacknowledged} (cluster view, rollouts, and the
 * {@code flotilla.dispatch.unacknowledged.clusters} gauge). Its status report clears the flag. Each check also
 * counts the outbox entries not yet published ({@code flotilla.outbox.depth}). Both gauges are updated on the
 * leader only: alerts take their maximum over the replicas.
 */
@Startup // the gauges are on /q/metrics from the start, as 0, not only after the first check
@ApplicationScoped
class AcknowledgementMonitor {

    private static final Logger LOG = Logger.getLogger(AcknowledgementMonitor.class);

    private final OutboxRepository outbox;
    private final ClusterRepository clusters;
    private final OutboxPublisher publisher;
    private final DispatchConfig config;
    private final Leadership leadership;
    private final Clock clock;
    private final Counter republished;
    private final AtomicLong unacknowledged = new AtomicLong();
    private final AtomicLong outboxDepth = new AtomicLong();

    AcknowledgementMonitor(OutboxRepository outbox, ClusterRepository clusters, OutboxPublisher publisher,
            DispatchConfig config, Leadership leadership, Clock clock, MeterRegistry metrics) {
        this.outbox = outbox;
        this.clusters = clusters;
        this.publisher = publisher;
        this.config = config;
        this.leadership = leadership;
        this.clock = clock;
        this.republished = metrics.counter("flotilla.dispatch.republished");
        metrics.gauge("flotilla.dispatch.unacknowledged.clusters", unacknowledged);
        metrics.gauge("flotilla.outbox.depth", outboxDepth);
    }

    @Scheduled(every = "${flotilla.dispatch.ack-check-interval}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void check() {
        if (!leadership.isLeader()) {
            return;
        }
        Instant publishedBefore = clock.instant().minus(config.ackTimeout());
        // two short set-based statements, each its own transaction: no row-by-row locking that could
        // deadlock with a placement run dispatching the same clusters
        int reset = QuarkusTransaction.requiringNew().call(() -> outbox.getEntityManager().createQuery(
                "update OutboxEntry e set e.republications = 1, e.publishedAt = null"
                        + " where e.publishedAt < ?1 and e.republications = 0 and e.generation >"
                        + " (select c.appliedGeneration from Cluster c where c.id = e.clusterId)")
                .setParameter(1, publishedBefore).executeUpdate());
        if (reset > 0) {
            republished.increment(reset);
            LOG.infof("Re-publishing the desired state of %d clusters that did not apply it within %s", reset,
                    config.ackTimeout());
            publisher.requestDrain();
        }
        int flagged = QuarkusTransaction.requiringNew().call(() -> clusters.getEntityManager().createQuery(
                "update Cluster c set c.unacknowledged = true where c.unacknowledged = false and exists"
                        + " (select 1 from OutboxEntry e where e.clusterId = c.id and e.publishedAt < ?1"
                        + " and e.republications >= 1 and e.generation > c.appliedGeneration)")
                .setParameter(1, publishedBefore).executeUpdate());
        if (flagged > 0) {
            LOG.warnf("%d clusters have not applied their desired generation within %s of its re-publication: "
                    + "flagged unacknowledged", flagged, config.ackTimeout());
        }
        QuarkusTransaction.requiringNew().run(() -> {
            unacknowledged.set(clusters.count("unacknowledged = true"));
            outboxDepth.set(outbox.count("publishedAt is null"));
        });
    }
}
