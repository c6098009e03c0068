package io.flotilla.controlplane.dispatch;

import io.flotilla.controlplane.fleet.Cluster;
import io.flotilla.controlplane.fleet.ClusterRepository;
import io.flotilla.controlplane.leader.Leadership;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Watches that clusters apply what was published to them. A cluster whose applied generation is still behind
 * its outbox entry {@code flotilla.dispatch.ack-timeout} after publication gets the entry published again
 * once (a lost retained message, a broker restart); if it still does not acknowledge within another timeout
 * it is flagged {@code unacknowledged} (cluster view, rollouts, and the
 * {@code flotilla.dispatch.unacknowledged.clusters} gauge). Its status report clears the flag.
 */
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
    }

    private record Late(OutboxEntry entry, Cluster cluster) {
    }

    @Scheduled(every = "${flotilla.dispatch.ack-check-interval}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void check() {
        if (!leadership.isLeader()) {
            return;
        }
        int republish = QuarkusTransaction.requiringNew().call(this::checkOnce);
        if (republish > 0) {
            publisher.requestDrain();
        }
    }

    /** @return how many entries were reset for re-publication */
    int checkOnce() {
        Instant publishedBefore = clock.instant().minus(config.ackTimeout());
        List<Late> late = outbox.getEntityManager().createQuery(
                "select e, c from OutboxEntry e, Cluster c where c.id = e.clusterId"
                        + " and c.appliedGeneration < e.generation and e.publishedAt < ?1", Object[].class)
                .setParameter(1, publishedBefore).getResultList().stream()
                .map(row -> new Late((OutboxEntry) row[0], (Cluster) row[1])).toList();
        int reset = 0;
        for (Late l : late) {
            if (l.entry().republications == 0) {
                l.entry().republications = 1;
                l.entry().publishedAt = null;
                reset++;
            } else if (!l.cluster().unacknowledged) {
                l.cluster().unacknowledged = true;
                LOG.warnf("Cluster '%s' has not applied generation %d (applied %d) within %s of its re-publication",
                        l.cluster().id, l.entry().generation, l.cluster().appliedGeneration, config.ackTimeout());
            }
        }
        republished.increment(reset);
        unacknowledged.set(clusters.count("unacknowledged = true"));
        return reset;
    }
}
