package io.flotilla.bench;

import io.flotilla.placement.ClusterState;
import io.flotilla.placement.FleetSnapshot;
import io.flotilla.placement.GpuPool;
import io.flotilla.placement.Health;
import io.flotilla.placement.Load;
import io.flotilla.placement.ServedWorkload;
import io.flotilla.placement.Taint;
import io.flotilla.placement.routing.RouteQuery;
import io.flotilla.policy.AllowedJurisdictions;
import io.flotilla.policy.ClusterSelector;
import io.flotilla.policy.CpuQuantity;
import io.flotilla.policy.DemandPoint;
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
import io.flotilla.policy.Site;
import io.flotilla.policy.Sites;
import io.flotilla.policy.TaintEffect;
import io.flotilla.policy.Toleration;
import io.flotilla.policy.TolerationOperator;
import io.flotilla.policy.Workload;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A deterministic, realistic fleet for the benchmarks: clusters spread over the 70 built-in sites with up
 * to half a degree of jitter, jurisdictions taken from their site (the subdivision for IN and US, the
 * country elsewhere), mixed GPU pools, loads and health, measured round trips from the own site for most
 * clusters, and policies over several model aliases whose jurisdictions mix groups (EU, FIVE_EYES) and
 * countries. Every cluster serves one or two aliases, each under a policy that admits it. The same seed
 * gives the same fleet, policies and queries.
 */
public final class FleetGenerator {

    public static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    static final List<String> ALIASES = List.of("llama-3.1-8b", "llama-3.1-70b", "mistral-7b", "qwen2.5-14b", "phi-3-mini",
            "gemma-2-9b", "whisper-large-v3", "e5-embed");

    /** Jurisdiction lists for policies and requests: groups, countries, subdivisions, and mixes. */
    static final List<List<String>> JURISDICTIONS = List.of(
            List.of("EU"), List.of("FIVE_EYES"), List.of("EU", "FIVE_EYES"), List.of("US"), List.of("IN"), List.of("DE"),
            List.of("EEA"), List.of("GB", "IE"), List.of("JP", "KR", "SG"), List.of("BR", "MX", "CL", "CO"),
            List.of("IN-MH", "IN-KA"), List.of("EU", "US", "CA"), List.of("AU", "NZ"), List.of("GCC", "IL", "TR"));

    private record Pool(String model, int memoryGiB) {
    }

    private static final List<Pool> POOLS = List.of(new Pool("L4", 24), new Pool("A100", 40), new Pool("A100", 80), new Pool("H100", 80));

    private final JurisdictionCatalog catalog = JurisdictionCatalog.builtIn();
    private final List<Site> sites = List.copyOf(Sites.builtIn().all());
    private final List<String> everyCountry;
    private final FleetSnapshot snapshot;
    private final List<FleetPolicy> policies;
    private final long seed;

    public FleetGenerator(long seed, int clusters, int policyCount) {
        this.seed = seed;
        this.everyCountry = List.copyOf(new TreeSet<>(sites.stream().map(Site::country).toList()));
        var random = new SplittableRandom(seed);
        this.policies = policies(random.split(), policyCount);
        this.snapshot = new FleetSnapshot(T0, clusters(random.split(), clusters));
    }

    public FleetSnapshot snapshot() {
        return snapshot;
    }

    public List<FleetPolicy> policies() {
        return policies;
    }

    public JurisdictionCatalog catalog() {
        return catalog;
    }

    /** {@code n} route queries: random alias, client at a random site (half by name, so measured round trips count, half a jittered point), mixed allowed jurisdictions. */
    public RouteQuery[] queries(int n) {
        var random = new SplittableRandom(seed ^ 0x5DEECE66DL);
        // one AllowedJurisdictions per list, as a server that parses each distinct header once would hold them
        var allowed = new ArrayList<Optional<AllowedJurisdictions>>();
        allowed.add(Optional.empty());
        JURISDICTIONS.forEach(j -> allowed.add(Optional.of(catalog.allowed(j))));
        var out = new RouteQuery[n];
        for (int i = 0; i < n; i++) {
            String alias = ALIASES.get(random.nextInt(ALIASES.size()));
            Site site = sites.get(random.nextInt(sites.size()));
            Optional<AllowedJurisdictions> a = allowed.get(random.nextInt(allowed.size()));
            out[i] = random.nextBoolean()
                    ? new RouteQuery(alias, site.location(), Optional.of(site.name()), a, RouteQuery.DEFAULT_LIMIT)
                    : new RouteQuery(alias, jitter(random, site.location()), Optional.empty(), a, RouteQuery.DEFAULT_LIMIT);
        }
        return out;
    }

    /** The snapshot with cluster {@code index}'s load replaced. */
    public FleetSnapshot withLoad(FleetSnapshot s, int index, Load load) {
        var clusters = new ArrayList<>(s.clusters());
        ClusterState c = clusters.get(index);
        clusters.set(index, new ClusterState(c.id(), c.labels(), c.jurisdiction(), c.location(), c.health(), c.taints(), c.gpus(),
                c.cpuMillicores(), c.cpuMillicoresFree(), c.memoryBytes(), c.memoryBytesFree(), load, c.rttMsBySite(), c.serving()));
        return new FleetSnapshot(s.takenAt().plusSeconds(1), clusters);
    }

    private List<FleetPolicy> policies(SplittableRandom random, int n) {
        var out = new ArrayList<FleetPolicy>(n);
        for (int i = 0; i < n; i++) {
            String alias = ALIASES.get(i % ALIASES.size());
            // one policy in five may run anywhere the fleet is; the others are regional
            List<String> jurisdictions = random.nextInt(5) == 0 ? everyCountry : JURISDICTIONS.get(random.nextInt(JURISDICTIONS.size()));
            Pool pool = POOLS.get(random.nextInt(POOLS.size()));
            int gpus = 1 + random.nextInt(2);
            var demand = new ArrayList<DemandPoint>();
            for (int d = 1 + random.nextInt(3); d > 0; d--) {
                demand.add(DemandPoint.atSite(sites.get(random.nextInt(sites.size())).name(), 1 + random.nextInt(5)));
            }
            var tolerations = random.nextInt(10) == 0
                    ? List.of(new Toleration(Optional.of("dedicated"), TolerationOperator.EQUAL, Optional.of("finance"), Optional.empty()))
                    : List.<Toleration>of();
            var workload = new Workload("org/" + alias, Runtime.VLLM, "vllm/vllm-openai:v0.8.5", 8000, List.of(), List.of(),
                    new Resources(gpus, pool.memoryGiB(), random.nextInt(3) == 0 ? Optional.of(pool.model()) : Optional.empty(),
                            CpuQuantity.cores(4 + random.nextInt(13)), MemoryQuantity.gibibytes(16 + 8L * random.nextInt(7))),
                    "/health", Map.of(), tolerations, Optional.empty());
            int max = 1 + random.nextInt(5);
            var placement = new Placement(ClusterSelector.everything(), jurisdictions, 1 + random.nextInt(2), Math.min(max, 1 + random.nextInt(2)),
                    max, random.nextBoolean() ? Optional.of("site") : Optional.empty(), demand);
            var routing = new Routing(alias, random.nextInt(10) == 0 ? Optional.of(150) : Optional.empty());
            out.add(new FleetPolicy(FleetPolicy.API_VERSION, FleetPolicy.KIND, PolicyMetadata.named(String.format("p-%04d", i)),
                    new PolicySpec(workload, placement, new Rollout(IntOrPercent.percent(25), IntOrPercent.count(0), true), routing)));
        }
        return out;
    }

    private List<ClusterState> clusters(SplittableRandom random, int n) {
        // which policies may serve each alias, with the places they admit
        var byAlias = new TreeMap<String, List<FleetPolicy>>();
        var admitted = new TreeMap<String, AllowedJurisdictions>();
        for (FleetPolicy p : policies) {
            byAlias.computeIfAbsent(p.spec().routing().alias(), a -> new ArrayList<>()).add(p);
            admitted.put(p.name(), catalog.allowed(p.spec().placement().jurisdictions()));
        }
        var out = new ArrayList<ClusterState>(n);
        for (int i = 0; i < n; i++) {
            String id = String.format("c-%05d", i);
            Site site = sites.get(random.nextInt(sites.size()));
            String jurisdiction = site.country().equals("IN") || site.country().equals("US") ? site.subdivision() : site.country();
            var labels = Map.of("site", site.name(), "tier", random.nextInt(4) == 0 ? "core" : "edge");
            var gpus = new ArrayList<GpuPool>();
            for (Pool p : POOLS) {
                if (gpus.isEmpty() ? random.nextInt(POOLS.size()) == 0 || p == POOLS.get(POOLS.size() - 1) : random.nextInt(4) == 0) {
                    int total = 2 + random.nextInt(15);
                    gpus.add(new GpuPool(p.model(), p.memoryGiB(), total, random.nextInt(total + 1)));
                }
            }
            long cores = 32 + 32L * random.nextInt(8);
            long memGiB = 256 + 128L * random.nextInt(8);
            int h = random.nextInt(100);
            Health health = h < 96 ? Health.READY : h < 98 ? Health.DEGRADED : h < 99 ? Health.OFFLINE : Health.UNKNOWN;
            var load = new Load(random.nextInt(3) == 0 ? random.nextInt(4) : 0, random.nextDouble());
            var rtt = new TreeMap<String, Double>();
            if (random.nextInt(10) < 7) {
                rtt.put(site.name(), 1.5 + random.nextDouble() * 4);
            }
            var taints = random.nextInt(20) == 0 ? List.of(new Taint("dedicated", "finance", TaintEffect.NO_SCHEDULE)) : List.<Taint>of();
            var serving = new ArrayList<ServedWorkload>();
            int first = random.nextInt(ALIASES.size());
            int aliases = 1 + random.nextInt(2);
            for (int a = 0; a < aliases; a++) {
                String alias = ALIASES.get((first + a * 3) % ALIASES.size());
                List<FleetPolicy> candidates = byAlias.getOrDefault(alias, List.of()).stream()
                        .filter(p -> admitted.get(p.name()).allows(jurisdiction)).toList();
                if (!candidates.isEmpty()) {
                    FleetPolicy p = candidates.get(random.nextInt(candidates.size()));
                    serving.add(new ServedWorkload(p.name(), alias, "https://" + id + ".edge.example:8443/v1"));
                }
            }
            out.add(new ClusterState(id, labels, jurisdiction, jitter(random, site.location()), health, taints, gpus,
                    cores * 1000, Math.round(cores * 1000 * random.nextDouble()), memGiB << 30, Math.round((memGiB << 30) * random.nextDouble()),
                    load, rtt, serving));
        }
        return out;
    }

    private static GeoPoint jitter(SplittableRandom random, GeoPoint p) {
        double lat = Math.max(-90, Math.min(90, p.lat() + random.nextDouble(-0.5, 0.5)));
        double lon = p.lon() + random.nextDouble(-0.5, 0.5);
        lon = lon > 180 ? lon - 360 : lon < -180 ? lon + 360 : lon;
        return new GeoPoint(lat, lon);
    }
}
