package io.flotilla.controlplane.telemetry;

import io.flotilla.controlplane.fleet.ClusterRepository;
import io.flotilla.controlplane.fleet.LatestTelemetry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Per-cluster gauges on {@code /q/metrics}: seconds since the last report, desired minus applied generation
 * and mean GPU utilisation. A fleet of thousands must not blow up the scrape, so at most
 * {@code flotilla.telemetry.metrics-max-clusters} clusters get series of their own; the others are folded
 * into one {@code cluster="_other"} series (the largest age and lag among them, their mean GPU utilisation),
 * and {@code flotilla_cluster_series_folded} says how many that is. A cluster keeps its own series as long
 * as it exists, so series do not hop between clusters from one refresh to the next; free places go to the
 * remaining clusters in id order. Series of clusters that are gone are removed at the next refresh.
 * {@code flotilla_fleet_clusters{jurisdiction,state}} counts the clusters of each jurisdiction by
 * {@link FleetState}; every state of a jurisdiction that has clusters has a series, 0 included.
 */
@ApplicationScoped
public class ClusterMetrics {

    static final String OTHER = "_other";

    /** Where a cluster stands for {@code flotilla_fleet_clusters}, as its {@code state} tag. */
    enum FleetState {
        /** Never heard from. */
        UNKNOWN,
        ONLINE,
        /** Offline within the placement grace period: its workloads stay where they are. */
        OFFLINE,
        /** Offline beyond the placement grace period: placement moved its workloads elsewhere. */
        OFFLINE_BEYOND_GRACE;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What is known of one cluster at a refresh; {@code null}: never reported / no GPU telemetry. */
    record Reading(String clusterId, Double reportAgeSeconds, long generationLag, Double gpuUtilisationPercent) {
    }

    private final ClusterRepository clusters;
    private final LatestTelemetry latest;
    private final Clock clock;
    private final int maxClusters;
    private final MultiGauge reportAge;
    private final MultiGauge generationLag;
    private final MultiGauge gpuUtilisation;
    private final MultiGauge fleet;
    private final AtomicInteger folded = new AtomicInteger();
    private Set<String> ownSeries = Set.of();

    @Inject
    ClusterMetrics(ClusterRepository clusters, LatestTelemetry latest, Clock clock, TelemetryConfig config,
            MeterRegistry registry) {
        this(clusters, latest, clock, config.metricsMaxClusters(), registry);
    }

    ClusterMetrics(ClusterRepository clusters, LatestTelemetry latest, Clock clock, int maxClusters, MeterRegistry registry) {
        this.clusters = clusters;
        this.latest = latest;
        this.clock = clock;
        this.maxClusters = maxClusters;
        this.reportAge = MultiGauge.builder("flotilla.cluster.report.age").baseUnit("seconds")
                .description("Time since the cluster's last status, presence or telemetry").register(registry);
        this.generationLag = MultiGauge.builder("flotilla.cluster.generation.lag")
                .description("Desired generation minus the generation the cluster reports applied").register(registry);
        this.gpuUtilisation = MultiGauge.builder("flotilla.cluster.gpu.utilization").baseUnit("percent")
                .description("Mean utilisation of the cluster's GPUs in its latest telemetry").register(registry);
        registry.gauge("flotilla.cluster.series.folded", folded);
        this.fleet = MultiGauge.builder("flotilla.fleet.clusters")
                .description("Clusters of a jurisdiction by state: unknown, online, offline, offline_beyond_grace")
                .register(registry);
    }

    @Scheduled(every = "${flotilla.telemetry.metrics-interval}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public void refresh() {
        Map<String, Map<FleetState, Long>> byJurisdiction = new TreeMap<>();
        publish(QuarkusTransaction.requiringNew().call(() -> read(byJurisdiction)));
        publishFleet(byJurisdiction);
    }

    /** @param byJurisdiction filled with the number of clusters of each jurisdiction in each state */
    private List<Reading> read(Map<String, Map<FleetState, Long>> byJurisdiction) {
        Instant now = clock.instant();
        List<Object[]> rows = clusters.getEntityManager().createQuery(
                "select c.id, c.desiredGeneration, c.appliedGeneration, c.lastStatusAt, c.lastPresenceAt, c.lastTelemetryAt,"
                        + " c.jurisdiction, c.online, c.placementOffline from Cluster c", Object[].class).getResultList();
        List<Reading> readings = new ArrayList<>(rows.size());
        for (Object[] row : rows) {
            String id = (String) row[0];
            Instant last = Stream.of(row[3], row[4], row[5]).map(Instant.class::cast).filter(t -> t != null)
                    .max(Instant::compareTo).orElse(null);
            Double age = last == null ? null : Math.max(0, Duration.between(last, now).toMillis() / 1000.0);
            OptionalDouble util = latest.gpuUtilization(id);
            Double gpu = util.isPresent() ? util.getAsDouble() : null;
            readings.add(new Reading(id, age, Math.max(0, (Long) row[1] - (Long) row[2]), gpu));
            FleetState state = last == null ? FleetState.UNKNOWN : (Boolean) row[7] ? FleetState.ONLINE
                    : (Boolean) row[8] ? FleetState.OFFLINE_BEYOND_GRACE : FleetState.OFFLINE;
            byJurisdiction.computeIfAbsent((String) row[6], j -> new EnumMap<>(FleetState.class)).merge(state, 1L, Long::sum);
        }
        return readings;
    }

    /** One series per jurisdiction that has clusters and state, 0 included, so that alerts compare numbers. */
    void publishFleet(Map<String, Map<FleetState, Long>> byJurisdiction) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        byJurisdiction.forEach((jurisdiction, counts) -> {
            for (FleetState state : FleetState.values()) {
                rows.add(MultiGauge.Row.of(Tags.of("jurisdiction", jurisdiction, "state", state.tag()),
                        counts.getOrDefault(state, 0L)));
            }
        });
        fleet.register(rows, true);
    }

    /** Replaces every cluster series with {@code readings}, bounded to the configured number of clusters. */
    synchronized void publish(List<Reading> readings) {
        Set<String> present = new HashSet<>();
        readings.forEach(r -> present.add(r.clusterId()));
        Set<String> own = new HashSet<>(ownSeries);
        own.retainAll(present);
        readings.stream().map(Reading::clusterId).filter(id -> !own.contains(id)).sorted()
                .limit(Math.max(0, maxClusters - own.size())).forEach(own::add);
        ownSeries = Set.copyOf(own);

        List<Reading> others = readings.stream().filter(r -> !own.contains(r.clusterId())).toList();
        folded.set(others.size());
        reportAge.register(rows(readings, own, Reading::reportAgeSeconds,
                others.stream().map(Reading::reportAgeSeconds).filter(v -> v != null).max(Double::compare).orElse(null)), true);
        generationLag.register(rows(readings, own, r -> (double) r.generationLag(),
                others.stream().map(r -> (double) r.generationLag()).max(Double::compare).orElse(null)), true);
        gpuUtilisation.register(rows(readings, own, Reading::gpuUtilisationPercent,
                others.stream().map(Reading::gpuUtilisationPercent).filter(v -> v != null)
                        .mapToDouble(Double::doubleValue).average().stream().boxed().findFirst().orElse(null)), true);
    }

    private static List<MultiGauge.Row<?>> rows(List<Reading> readings, Set<String> own, Function<Reading, Double> value,
            Double other) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>(own.size() + 1);
        for (Reading r : readings) {
            Double v = value.apply(r);
            if (own.contains(r.clusterId()) && v != null) {
                rows.add(MultiGauge.Row.of(Tags.of("cluster", r.clusterId()), v));
            }
        }
        if (other != null) {
            rows.add(MultiGauge.Row.of(Tags.of("cluster", OTHER), other));
        }
        return rows;
    }
}
