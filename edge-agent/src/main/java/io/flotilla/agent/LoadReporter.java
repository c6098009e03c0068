package io.flotilla.agent;

import io.flotilla.agent.link.ControlPlaneLink;
import io.flotilla.agent.link.LinkUnavailableException;
import io.flotilla.agent.link.OutboundMessage;
import io.flotilla.proto.EnvelopeCodec;
import io.flotilla.proto.Topics;
import io.flotilla.proto.v1.LoadReport;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Publishes the model servers' live load every {@code flotilla.agent.load.interval} (2 s), signed like the other
 * reports, QoS 0 and not retained, on a thread of its own so that a slow telemetry scrape never delays it. A report
 * is sent only while the link is up and never buffered: a load report is worthless seconds later, and queued ones
 * would push status out of the outbound buffer. A workload with no report is simply absent.
 */
public final class LoadReporter implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(LoadReporter.class.getName());

    private final String clusterId;
    private final Supplier<LoadReport> load;
    private final EnvelopeCodec codec;
    private final ControlPlaneLink link;
    private final ScheduledExecutorService timer;

    public LoadReporter(String clusterId, Supplier<LoadReport> load, EnvelopeCodec codec, ControlPlaneLink link) {
        this.clusterId = clusterId;
        this.load = load;
        this.codec = codec;
        this.link = link;
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("flotilla-load-" + clusterId).daemon().factory());
    }

    public void start(Duration interval) {
        long every = interval.toMillis();
        timer.scheduleWithFixedDelay(this::sendOnce, every, every, TimeUnit.MILLISECONDS);
    }

    /** Scrapes and publishes one report if the link is up; returns whether it was handed to the link. */
    public boolean sendOnce() {
        if (!link.isConnected()) {
            return false;
        }
        try {
            LoadReport report = load.get();
            if (report.getLoadsCount() == 0) {
                return false;
            }
            link.publish(new OutboundMessage(Topics.load(clusterId), codec.encode(clusterId, report), 0, false));
            return true;
        } catch (LinkUnavailableException e) {
            return false; // the next report replaces this one
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "load report for {0} failed: {1}", clusterId, e.toString());
            return false;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
