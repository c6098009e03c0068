package io.flotilla.controlplane.dispatch;

import io.flotilla.controlplane.broker.BrokerConfig;
import io.flotilla.controlplane.leader.Leadership;
import io.flotilla.controlplane.support.ChangeStages;
import io.flotilla.proto.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.mqtt.SendingMqttMessageMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

/**
 * Drains the outbox to the broker: each entry is published retained at QoS 1 on its cluster's
 * desired topic and marked published once the broker acknowledges it. Publishing the same
 * generation twice is harmless (agents ignore generations they have applied), so a crash between
 * publication and marking only causes a duplicate, never a loss.
 */
@ApplicationScoped
public class OutboxPublisher {

    private static final Logger LOG = Logger.getLogger(OutboxPublisher.class);

    private final OutboxRepository outbox;
    private final DispatchConfig config;
    private final BrokerConfig broker;
    private final Emitter<byte[]> desired;
    private final Clock clock;
    private final Leadership leadership;
    private final Counter published;
    private final Counter failed;
    private final ChangeStages stages;
    private final AtomicBoolean drainRequested = new AtomicBoolean();
    private final ExecutorService drainer = Executors.newSingleThreadExecutor(Thread.ofPlatform()
            .name("flotilla-outbox").daemon().factory());

    OutboxPublisher(OutboxRepository outbox, DispatchConfig config, BrokerConfig broker,
            @Channel("desired") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 20_000) Emitter<byte[]> desired,
            Clock clock, MeterRegistry metrics, Leadership leadership, ChangeStages stages) {
        this.stages = stages;
        this.leadership = leadership;
        this.outbox = outbox;
        this.config = config;
        this.broker = broker;
        this.desired = desired;
        this.clock = clock;
        this.published = metrics.counter("flotilla.dispatch.published");
        this.failed = metrics.counter("flotilla.dispatch.publish.failures");
    }

    void onStart(@Observes StartupEvent event) {
        if (broker.embedded()) {
            // the embedded broker keeps retained messages in memory only: give it every cluster's state again
            int n = QuarkusTransaction.requiringNew().call(outbox::markAllUnpublished);
            if (n > 0) {
                LOG.infof("Re-publishing the desired state of %d clusters to the embedded broker", n);
            }
        }
        requestDrain();
    }

    void onWritten(@Observes(during = TransactionPhase.AFTER_SUCCESS) DesiredStateDispatcher.OutboxWritten written) {
        requestDrain();
    }

    /** Coalesces wake-ups: at most one drain runs and at most one more is queued. */
    public void requestDrain() {
        if (!leadership.isLeader()) {
            return; // the leader's retry timer publishes what this replica wrote
        }
        if (drainRequested.compareAndSet(false, true)) {
            drainer.execute(() -> {
                drainRequested.set(false);
                drainSafely();
            });
        }
    }

    private void drainSafely() {
        try {
            while (drainOnce() == config.batchSize()) {
                // a full batch: more may be waiting
            }
        } catch (RuntimeException e) {
            LOG.warn("Outbox drain failed; retrying in " + config.retryInterval(), e);
        }
    }

    /** Publishes one batch of pending entries; returns how many it took. */
    int drainOnce() {
        List<OutboxEntry> batch = QuarkusTransaction.requiringNew().call(() -> outbox.pending(config.batchSize()));
        if (batch.isEmpty()) {
            return 0;
        }
        List<CompletableFuture<OutboxEntry>> acks = new ArrayList<>(batch.size());
        for (OutboxEntry entry : batch) {
            CompletableFuture<OutboxEntry> ack = new CompletableFuture<>();
            Metadata metadata = Metadata.of(new SendingMqttMessageMetadata(
                    Topics.desired(entry.clusterId), MqttQoS.AT_LEAST_ONCE, true));
            long sent = System.nanoTime();
            desired.send(Message.of(entry.payload, metadata,
                    () -> {
                        stages.since(ChangeStages.Stage.PUBLISH_ACK, sent);
                        stages.record(ChangeStages.Stage.OUTBOX_TO_ACK, Duration.between(entry.createdAt, clock.instant()));
                        ack.complete(entry);
                        return CompletableFuture.completedFuture(null);
                    },
                    failure -> {
                        ack.completeExceptionally(failure);
                        return CompletableFuture.completedFuture(null);
                    }));
            acks.add(ack);
        }
        List<OutboxEntry> done = new ArrayList<>(acks.size());
        List<OutboxEntry> notDone = new ArrayList<>();
        for (int i = 0; i < acks.size(); i++) {
            try {
                done.add(acks.get(i).get(config.publishTimeout().toMillis(), TimeUnit.MILLISECONDS));
            } catch (Exception e) {
                notDone.add(batch.get(i));
            }
        }
        QuarkusTransaction.requiringNew().run(() -> {
            var now = clock.instant();
            outbox.markPublished(done, now);
            notDone.forEach(e -> outbox.markAttempted(e.clusterId, e.generation));
        });
        published.increment(done.size());
        if (!notDone.isEmpty()) {
            failed.increment(notDone.size());
            LOG.warnf("%d of %d desired states were not acknowledged by the broker; retrying in %s",
                    notDone.size(), batch.size(), config.retryInterval());
            return 0;
        }
        return batch.size();
    }
}
