package io.flotilla.agent.telemetry;

import com.google.protobuf.Timestamp;
import io.flotilla.proto.v1.LoadReport;
import java.time.Clock;
import java.time.Instant;
import java.util.function.Supplier;

/** Builds one load report: the live load of each workload's model server, stamped with the time of the scrape. */
public final class LoadCollector implements Supplier<LoadReport> {

    private final String clusterId;
    private final ModelServerScrape scrape;
    private final Clock clock;

    public LoadCollector(String clusterId, ModelServerScrape scrape, Clock clock) {
        this.clusterId = clusterId;
        this.scrape = scrape;
        this.clock = clock;
    }

    @Override
    public LoadReport get() {
        Instant now = clock.instant();
        return LoadReport.newBuilder()
                .setClusterId(clusterId)
                .setTime(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
                .addAllLoads(scrape.loads())
                .build();
    }
}
