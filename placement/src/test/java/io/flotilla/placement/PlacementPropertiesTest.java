package io.flotilla.placement;

import static io.flotilla.placement.Fixtures.CATALOG;
import static io.flotilla.placement.Fixtures.SITES;
import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.placement.routing.RouteCandidate;
import io.flotilla.placement.routing.RouteDecision;
import io.flotilla.placement.routing.RouteQuery;
import io.flotilla.placement.routing.Router;
import io.flotilla.policy.FleetPolicy;
import io.flotilla.policy.Site;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Invariants over random fleets (sites, health, GPUs, load, stale replicas) and random policies and requests.
 * Sovereignty is checked against an oracle written here from the catalog's data, not through
 * {@link io.flotilla.policy.AllowedJurisdictions}, so that a bug there cannot hide itself.
 */
class PlacementPropertiesTest {

    private static final List<String> CODES = List.of("EU", "EEA", "FIVE_EYES", "GCC", "IN", "IN-MH", "US", "DE", "FR-IDF", "GB", "JP");
    private static final List<String> SITE_NAMES = List.copyOf(SITES.names());
    private final PlacementEngine engine = new PlacementEngine(CATALOG, SITES);

    record Scenario(FleetSnapshot fleet, List<FleetPolicy> policies, long seed) {
        Map<String, FleetPolicy> byName() {
            var m = new HashMap<String, FleetPolicy>();
            policies.forEach(p -> m.put(p.name(), p));
            return m;
        }
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        Arbitrary<Fixtures.ClusterBuilder> cluster = Combinators.combine(
                Arbitraries.of(SITE_NAMES),
                Arbitraries.of(Health.class),
                Arbitraries.of("A100", "L4", "H100"),
                Arbitraries.integers().between(0, 8),
                Arbitraries.integers().between(0, 8),
                Arbitraries.of(16, 24, 48, 80),
                Arbitraries.integers().between(0, 30),
                Arbitraries.doubles().between(0, 1)).as((site, health, model, count, free, mem, queue, util) ->
                Fixtures.cluster("x").site(site).health(health).gpus(model, count, Math.min(free, count), mem).load(queue, util)
                        .cpu(16, (queue * 7L) % 17).label("region", site.substring(0, 1)));
        Arbitrary<Fixtures.PolicyBuilder> policy = Combinators.combine(
                Arbitraries.of(CODES).set().ofMinSize(1).ofMaxSize(3),
                Arbitraries.integers().between(0, 2),
                Arbitraries.of(0, 16, 24, 48),
                Arbitraries.integers().between(1, 3),
                Arbitraries.integers().between(1, 3),
                Arbitraries.integers().between(0, 3),
                Arbitraries.of("chat", "embed"),
                Arbitraries.of(SITE_NAMES)).as((codes, gpu, mem, replicas, min, extra, alias, demand) ->
                Fixtures.policy("p").jurisdictions(codes.stream().sorted().toArray(String[]::new)).gpu(gpu, gpu == 0 ? 0 : mem)
                        .replicas(replicas).clusters(min, min + extra).cpu(1 + replicas).alias(alias).demandAt(demand, 1).spreadBy("region"));
        return Combinators.combine(cluster.list().ofMaxSize(25), policy.list().ofMinSize(1).ofMaxSize(5), Arbitraries.longs())
                .as((clusters, policies, seed) -> {
                    var random = new Random(seed);
                    var built = new ArrayList<FleetPolicy>();
                    for (int i = 0; i < policies.size(); i++) {
                        var p = policies.get(i).build();
                        built.add(rename(p, "p" + i));
                    }
                    var states = new ArrayList<ClusterState>();
                    for (int i = 0; i < clusters.size(); i++) {
                        ClusterState c = clusters.get(i).build();
                        var serving = new ArrayList<ServedWorkload>();
                        for (FleetPolicy p : built) {
                            if (random.nextInt(3) == 0) { // replicas anywhere, stale ones outside jurisdictions included
                                serving.add(new ServedWorkload(p.name(), p.spec().routing().alias(), "https://c" + i));
                            }
                        }
                        states.add(new ClusterState(String.format("c%02d", i), c.labels(), c.jurisdiction(), c.location(), c.health(),
                                c.taints(), c.gpus(), c.cpuMillicores(), c.cpuMillicoresFree(), c.memoryBytes(), c.memoryBytesFree(),
                                c.load(), c.rttMsBySite(), serving));
                    }
                    return new Scenario(new FleetSnapshot(Fixtures.T0, states), built, seed);
                });
    }

    private static FleetPolicy rename(FleetPolicy p, String name) {
        return new FleetPolicy(p.apiVersion(), p.kind(), io.flotilla.policy.PolicyMetadata.named(name), p.spec());
    }

    /** Independent statement of the rule: a country admits its subdivisions, a subdivision only itself. */
    static boolean oracleAllows(Collection<String> codes, String clusterJurisdiction) {
        String country = clusterJurisdiction.split("-")[0];
        for (String code : codes) {
            Set<String> group = CATALOG.group(code).orElse(null);
            if (group != null ? group.contains(country) : code.contains("-") ? code.equals(clusterJurisdiction) : code.equals(country)) {
                return true;
            }
        }
        return false;
    }

    @Property(tries = 200)
    void placementNeverChoosesAClusterOutsideThePolicysJurisdictions(@ForAll("scenarios") Scenario s) {
        PlacementResult r = engine.place(s.fleet(), s.policies(), PlacementResult.EMPTY);
        for (PlacementDecision d : r.decisions()) {
            FleetPolicy p = s.byName().get(d.policyName());
            for (ClusterAssignment a : d.chosen()) {
                String j = s.fleet().cluster(a.clusterId()).orElseThrow().jurisdiction();
                assertThat(oracleAllows(p.spec().placement().jurisdictions(), j)).as("%s on %s (%s)", p.name(), a.clusterId(), j).isTrue();
            }
        }
    }

    @Property(tries = 200)
    void routingNeverSendsARequestOutsideItsOrItsPolicysJurisdictions(@ForAll("scenarios") Scenario s,
            @ForAll("requestCodes") List<String> requestCodes, @ForAll("siteNames") String from, @ForAll("aliases") String alias) {
        Router router = Router.build(s.fleet(), s.policies(), CATALOG);
        Site site = SITES.find(from).orElseThrow();
        RouteQuery q = RouteQuery.fromSite(alias, site, requestCodes.isEmpty() ? null : CATALOG.allowed(requestCodes)).withLimit(50);
        RouteDecision d = router.route(q);
        assertThat(d.candidates().isEmpty()).isEqualTo(d.reason().isPresent());
        for (RouteCandidate c : d.candidates()) {
            ClusterState cluster = s.fleet().cluster(c.clusterId()).orElseThrow();
            assertThat(cluster.health()).isIn(Health.READY, Health.DEGRADED);
            assertThat(c.jurisdiction()).isEqualTo(cluster.jurisdiction());
            if (!requestCodes.isEmpty()) {
                assertThat(oracleAllows(requestCodes, c.jurisdiction())).as("request %s, cluster %s", requestCodes, c.jurisdiction()).isTrue();
            }
            assertThat(oracleAllows(s.byName().get(c.policyName()).spec().placement().jurisdictions(), c.jurisdiction())).isTrue();
        }
        for (int i = 1; i < d.candidates().size(); i++) {
            assertThat(d.candidates().get(i).estimatedLatencyMs()).isGreaterThanOrEqualTo(d.candidates().get(i - 1).estimatedLatencyMs());
        }
    }

    @Provide
    Arbitrary<List<String>> requestCodes() {
        return Arbitraries.of(CODES).list().ofMaxSize(3).uniqueElements();
    }

    @Provide
    Arbitrary<String> siteNames() {
        return Arbitraries.of(SITE_NAMES);
    }

    @Provide
    Arbitrary<String> aliases() {
        return Arbitraries.of("chat", "embed", "unknown");
    }

    @Property(tries = 100)
    void sameInputGivesTheSameDecisionsWhateverTheInputOrder(@ForAll("scenarios") Scenario s) {
        var clusters = new ArrayList<>(s.fleet().clusters());
        var policies = new ArrayList<>(s.policies());
        Collections.shuffle(clusters, new Random(s.seed()));
        Collections.shuffle(policies, new Random(s.seed() + 1));
        FleetSnapshot shuffled = new FleetSnapshot(Fixtures.T0, clusters);
        PlacementResult first = engine.place(s.fleet(), s.policies(), PlacementResult.EMPTY);
        assertThat(engine.place(shuffled, policies, PlacementResult.EMPTY)).isEqualTo(first);
        assertThat(engine.place(s.fleet(), s.policies(), first)).isEqualTo(engine.place(shuffled, policies, first));

        RouteQuery q = RouteQuery.at("chat", SITES.find("paris").orElseThrow().location(), null);
        assertThat(Router.build(shuffled, policies, CATALOG).route(q)).isEqualTo(Router.build(s.fleet(), s.policies(), CATALOG).route(q));
    }

    @Property(tries = 200)
    void policiesTogetherNeverReserveMoreThanIsFree(@ForAll("scenarios") Scenario s) {
        PlacementResult r = engine.place(s.fleet(), s.policies(), PlacementResult.EMPTY);
        for (ClusterState c : s.fleet().clusters()) {
            long cpu = 0;
            long memory = 0;
            Map<String, Integer> gpus = new HashMap<>();
            for (PlacementDecision d : r.decisions()) {
                for (ClusterAssignment a : d.chosen()) {
                    if (a.clusterId().equals(c.id())) {
                        cpu += a.reservation().cpuMillicores();
                        memory += a.reservation().memoryBytes();
                        gpus.merge(a.reservation().gpuModel() + "/" + a.reservation().gpuMemoryGiB(), a.reservation().gpus(), Integer::sum);
                    }
                }
            }
            assertThat(cpu).isLessThanOrEqualTo(c.cpuMillicoresFree());
            assertThat(memory).isLessThanOrEqualTo(c.memoryBytesFree());
            for (GpuPool p : c.gpus()) {
                assertThat(gpus.getOrDefault(p.model() + "/" + p.memoryGiB(), 0)).as(c.id() + " " + p).isLessThanOrEqualTo(p.free());
            }
        }
    }

    @Property(tries = 200)
    void everyClusterIsEitherChosenOrLeftOutWithAReason(@ForAll("scenarios") Scenario s) {
        PlacementResult r = engine.place(s.fleet(), s.policies(), PlacementResult.EMPTY);
        assertThat(r.decisions()).hasSameSizeAs(s.policies());
        for (PlacementDecision d : r.decisions()) {
            var placement = s.byName().get(d.policyName()).spec().placement();
            var ids = new ArrayList<String>();
            d.chosen().forEach(a -> ids.add(a.clusterId()));
            d.excluded().forEach(e -> {
                ids.add(e.clusterId());
                assertThat(e.reasons()).allSatisfy(reason -> assertThat(reason.message()).isNotBlank());
            });
            assertThat(ids).containsExactlyInAnyOrderElementsOf(s.fleet().clusters().stream().map(ClusterState::id).toList());
            assertThat(d.chosen().size()).isLessThanOrEqualTo(placement.maxClusters());
            assertThat(d.satisfied()).isEqualTo(d.chosen().size() >= placement.minClusters());
            assertThat(d.chosen()).allSatisfy(a -> assertThat(a.score()).isBetween(0.0, 100.0));
        }
    }
}
