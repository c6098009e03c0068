package io.flotilla.controlplane.dispatch;

import io.flotilla.controlplane.broker.BrokerConfig;
import io.flotilla.controlplane.broker.BrokerSettings;
import io.flotilla.controlplane.broker.BrokerUnavailableException;
import io.flotilla.controlplane.broker.RetainedMarker;
import io.flotilla.controlplane.leader.Leadership;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * Keeps every cluster's newest desired state retained on the broker, also across a broker that lost its retained
 * messages (restarted without persistence, or replaced). The leader leaves a {@link RetainedMarker} on the broker and
 * looks for it every {@code flotilla.dispatch.retained-check-interval}; when it is gone, so are the retained desired
 * states, and the whole outbox is published again (agents ignore what they have applied), then the marker is left
 * anew. Without this, a cluster that had applied its newest state before such a restart had nothing retained until
 * its next change, and an agent reinstalled without its store got nothing.
 *
 * <p>The embedded broker starts empty with the control plane, which then publishes its whole outbox anyway
 * ({@link OutboxPublisher}): the marker is left at once.
 */
@ApplicationScoped
class RetainedStateCheck {

    private static final Logger LOG = Logger.getLogger(RetainedStateCheck.class);

    private final OutboxRepository outbox;
    private final OutboxPublisher publisher;
    private final DispatchConfig config;
    private final BrokerConfig broker;
    private final Leadership leadership;
    private final Vertx vertx;
    private final BrokerSettings settings;
    private final Clock clock;
    private final Counter lost;

    RetainedStateCheck(OutboxRepository outbox, OutboxPublisher publisher, DispatchConfig config, BrokerConfig broker,
            Leadership leadership, Vertx vertx, Config mpConfig, Clock clock, MeterRegistry metrics) {
        this.outbox = outbox;
        this.publisher = publisher;
        this.config = config;
        this.broker = broker;
        this.leadership = leadership;
        this.vertx = vertx;
        this.settings = BrokerSettings.from(mpConfig);
        this.clock = clock;
        this.lost = metrics.counter("flotilla.dispatch.broker.retained.lost");
    }

    void onStart(@Observes StartupEvent event) {
        if (broker.embedded()) {
            try (RetainedMarker marker = connect()) {
                marker.place(content());
            } catch (BrokerUnavailableException e) {
                LOG.warnf("Could not leave the retained marker on the embedded broker (%s); the first check will", e.getMessage());
            }
        }
    }

    @Scheduled(every = "${flotilla.dispatch.retained-check-interval}", delayed = "${flotilla.dispatch.retained-check-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduledCheck() {
        if (!leadership.isLeader()) {
            return;
        }
        try {
            check();
        } catch (BrokerUnavailableException e) {
            LOG.debugf("Checking the broker's retained messages failed (%s); trying again in %s", e.getMessage(),
                    config.retainedCheckInterval());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Looks for the marker; when it is gone, publishes the whole outbox again. Returns the clusters re-published. */
    int check() throws BrokerUnavailableException, InterruptedException {
        try (RetainedMarker marker = connect()) {
            if (marker.present(config.retainedCheckWait())) {
                return 0;
            }
            // the outbox first: a crash after this still re-publishes everything, a crash before finds no marker again
            int n = QuarkusTransaction.requiringNew().call(outbox::markAllUnpublished);
            lost.increment();
            LOG.warnf("The broker at %s holds no retained marker of the control plane: this is the first check against "
                    + "it, or it lost its retained messages (restarted without persistence, or replaced). Publishing "
                    + "the desired state of %d clusters again", settings.address(), n);
            publisher.requestDrain();
            marker.place(content());
            return n;
        }
    }

    private RetainedMarker connect() throws BrokerUnavailableException {
        return RetainedMarker.connect(vertx, settings, config.publishTimeout());
    }

    private String content() {
        return "left by the control plane at " + clock.instant();
    }
}
