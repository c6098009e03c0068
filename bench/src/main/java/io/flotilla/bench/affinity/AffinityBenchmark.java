package io.flotilla.bench.affinity;

import io.flotilla.placement.ClusterState;
import io.flotilla.placement.FleetSnapshot;
import io.flotilla.placement.Health;
import io.flotilla.placement.Load;
import io.flotilla.placement.NetworkLatency;
import io.flotilla.placement.ServedWorkload;
import io.flotilla.placement.routing.AffinitySlack;
import io.flotilla.placement.routing.LiveLoad;
import io.flotilla.placement.routing.RouteCandidate;
import io.flotilla.placement.routing.RouteQuery;
import io.flotilla.placement.routing.Router;
import io.flotilla.policy.AllowedJurisdictions;
import io.flotilla.policy.ClusterSelector;
import io.flotilla.policy.CpuQuantity;
import io.flotilla.policy.FleetPolicy;
import io.flotilla.policy.GeoPoint;
import io.flotilla.policy.IntOrPercent;
import io.flotilla.policy.JurisdictionCatalog;
import io.flotilla.policy.MemoryQuantity;
import io.flotilla.policy.Placement;
import io.flotilla.policy.PolicyMetadata;
import io.flotilla.policy.PolicySpec;
import io.flotilla.policy.Resources;
import io.flotilla.policy.Rollout;
import io.flotilla.policy.Routing;
import io.flotilla.policy.Runtime;
import io.flotilla.policy.Workload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.IntStream;

/**
 * Prefix-cache hit rate of session affinity against random and nearest-only routing, over a simulated fleet at
 * real sites (the sites CSV: two clusters per site), with the real {@link Router} deciding. Plain Java, one thread,
 * simulated time: sessions start at random sites (uneven demand: each site's weight is drawn once, 0.5 to 1.5), each sends
 * {@value #TURNS} chat turns with think time between; each cluster is a model server with {@value #SLOTS} batch slots
 * and a prefix cache holding the {@value #CACHE_SESSIONS} most recently served sessions. A turn whose session prefix
 * is in the serving cluster's cache is a hit and needs less prefill. Clusters report live load every 2 s, as agents
 * do. Every request may only reach its own region (the EU for EU sites, else its country), so no strategy crosses a
 * jurisdiction.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.flotilla.bench.affinity.AffinityBenchmark [sites.csv] [seconds] [utilisation]</pre>
 */
public final class AffinityBenchmark {

    static final int TURNS = 10;
    static final int SLOTS = 8;
    static final int CACHE_SESSIONS = 48;
    static final double THINK_S = 15;
    static final double HIT_SERVICE_S = 2.0;
    static final double MISS_SERVICE_S = 2.6;
    static final double REPORT_S = 2;
    static final int MAX_QUEUE = 16;
    static final String ALIAS = "chat";

    /**
     * Random among the request's allowed clusters; the router without live load; with live load; with live load and
     * affinity, first with the relative slack alone (20 %), then with the default slack (20 % or 25 ms).
     */
    enum Strategy {
        RANDOM(null), NEAREST_NO_LIVE_LOAD(null), NEAREST(null), AFFINITY_20_PERCENT(new AffinitySlack(0.2, 0)),
        AFFINITY(AffinitySlack.DEFAULT);

        final AffinitySlack slack;

        Strategy(AffinitySlack slack) {
            this.slack = slack;
        }
    }

    record SiteRow(String name, String country, double lat, double lon) {
    }

    public static void main(String[] args) throws IOException {
        Path csv = Path.of(args.length > 0 ? args[0] : "../shared/fleet-data/sites.csv");
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 600;
        double utilisation = args.length > 2 ? Double.parseDouble(args[2]) : 0.7;
        List<SiteRow> sites = Files.readAllLines(csv).stream().skip(1).filter(l -> !l.isBlank()).map(l -> l.split(","))
                .map(f -> new SiteRow(f[0], f[1], Double.parseDouble(f[3]), Double.parseDouble(f[4]))).toList();
        var fleet = new SimFleet(sites, JurisdictionCatalog.builtIn());
        double capacity = fleet.clusters.size() * SLOTS / ((HIT_SERVICE_S + MISS_SERVICE_S) / 2);
        System.out.printf("%d sites, %d clusters, %.0f s simulated, offered load %.0f %% of %.0f requests/s%n",
                sites.size(), fleet.clusters.size(), seconds, utilisation * 100, capacity);
        System.out.println("strategy                requests  hit rate (turns 2+)  mean wait s  p99 wait s  mean network ms  mean latency s");
        for (Strategy s : Strategy.values()) {
            Simulation.Result r = new Simulation(fleet, s, seconds, utilisation * capacity, 7).run();
            System.out.printf("%-23s %8d  %18.1f %%  %11.2f  %10.2f  %15.1f  %14.2f%n", s.name().toLowerCase().replace('_', '-'),
                    r.requests(), 100.0 * r.hits() / r.followUps(), r.meanWait(), r.p99Wait(), r.meanNetworkMs(), r.meanLatency());
        }
    }

    /** The clusters, the router over them and, per region, the clusters a request from there may reach. */
    static final class SimFleet {
        final List<SiteRow> sites;
        final List<ClusterState> clusters = new ArrayList<>();
        final Map<String, Integer> index = new HashMap<>();
        final Map<String, AllowedJurisdictions> allowedByCountry = new HashMap<>();
        final Map<String, int[]> reachableByCountry = new HashMap<>();
        final Router router;

        SimFleet(List<SiteRow> sites, JurisdictionCatalog catalog) {
            this.sites = sites;
            var countries = new TreeSet<String>();
            var random = new SplittableRandom(42);
            for (SiteRow s : sites) {
                countries.add(s.country());
                for (int k = 0; k < 2; k++) {
                    String id = s.name() + "-" + (k + 1);
                    index.put(id, clusters.size());
                    clusters.add(new ClusterState(id, Map.of("site", s.name()), s.country(),
                            new GeoPoint(s.lat() + random.nextDouble(-0.3, 0.3), s.lon() + random.nextDouble(-0.3, 0.3)), Health.READY,
                            List.of(), List.of(), 64_000, 32_000, 512L << 30, 256L << 30, Load.IDLE, Map.of(),
                            List.of(new ServedWorkload(ALIAS, ALIAS, "https://" + id + ".example"))));
                }
            }
            router = Router.build(new FleetSnapshot(Instant.parse("2026-01-01T00:00:00Z"), clusters),
                    List.of(policy(List.copyOf(countries))), catalog);
            for (String country : countries) {
                AllowedJurisdictions allowed = catalog.allowed(List.of(catalog.allowed(List.of("EU")).allows(country) ? "EU" : country));
                allowedByCountry.put(country, allowed);
                reachableByCountry.put(country, IntStream.range(0, clusters.size())
                        .filter(i -> allowed.allows(clusters.get(i).jurisdiction())).toArray());
            }
        }

        private static FleetPolicy policy(List<String> countries) {
            var workload = new Workload("org/chat", Runtime.VLLM, "vllm/vllm-openai:v0.8.5", 8000, List.of(), List.of(),
                    new Resources(1, 80, Optional.empty(), CpuQuantity.cores(8), MemoryQuantity.gibibytes(64)), "/health", Map.of(),
                    List.of(), Optional.empty());
            var placement = new Placement(ClusterSelector.everything(), countries, 1, 1, 1, Optional.empty(), List.of());
            return new FleetPolicy(FleetPolicy.API_VERSION, FleetPolicy.KIND, PolicyMetadata.named(ALIAS),
                    new PolicySpec(workload, placement, new Rollout(IntOrPercent.percent(25), IntOrPercent.count(0), true),
                            new Routing(ALIAS, Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(MAX_QUEUE))));
        }

        /** The live load each cluster reported last. */
        LiveLoad[] reports() {
            var out = new LiveLoad[clusters.size()];
            Arrays.fill(out, new LiveLoad(0, 0, 0));
            return out;
        }

        GeoPoint location(int cluster) {
            return clusters.get(cluster).location();
        }

        RouteQuery query(GeoPoint client, String country) {
            return RouteQuery.at(ALIAS, client, allowedByCountry.get(country));
        }

        RouteCandidate first(RouteQuery q, LiveLoad[] reported, String preferred, AffinitySlack slack, boolean live) {
            var d = live ? router.route(q, (c, w) -> reported[index.get(c)], preferred, slack) : router.route(q);
            return d.candidates().get(0);
        }

        static double networkMs(GeoPoint a, GeoPoint b) {
            return NetworkLatency.estimatedRttMs(a, b);
        }
    }
}
