package io.flotilla.placement;

import static io.flotilla.placement.Fixtures.CATALOG;
import static io.flotilla.placement.Fixtures.SITES;
import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.policy.FleetPolicy;
import io.flotilla.policy.TaintEffect;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The optimised engine (masks, lazily formatted reasons, incremental re-placement from its last run) decides
 * exactly as the straightforward {@link ReferencePlacementEngine}: same chosen clusters, scores, breakdowns,
 * reservations, every exclusion with every reason text, and shortfalls, over random small fleets, for a first
 * placement, a second one with the first as previous, and re-placements after a few clusters changed.
 */
class PlacementEngineMatchesReferenceTest {

    private static final List<String> SITE_NAMES = List.copyOf(SITES.names());
    private static final List<List<String>> JURISDICTIONS = List.of(List.of("EU"), List.of("FIVE_EYES"), List.of("US"), List.of("IN"),
            List.of("IN-MH"), List.of("DE", "FR"), List.of("EU", "US", "JP"), List.of("GCC", "IN"), List.of("GB"));
    private static final List<String> MODELS = List.of("A100", "L4", "H100");

    private final ReferencePlacementEngine reference = new ReferencePlacementEngine(CATALOG, SITES);

    @Property(tries = 300)
    void sameDecisionsAsTheReference(@ForAll long seed) {
        sameDecisions(seed, false);
    }

    /** Policies that pick more clusters than the engine picks round by round (it ranks them once where it can). */
    @Property(tries = 40)
    void sameDecisionsAsTheReferenceForPoliciesOverManyClusters(@ForAll long seed) {
        sameDecisions(seed, true);
    }

    private void sameDecisions(long seed, boolean wide) {
        var random = new Random(seed);
        List<FleetPolicy> policies = policies(random, wide);
        var clusters = new ArrayList<ClusterState>();
        int n = wide ? 100 + random.nextInt(150) : random.nextInt(40);
        for (int i = 0; i < n; i++) {
            clusters.add(cluster(random, String.format("c%02d", i)));
        }
        var fleet = new FleetSnapshot(Fixtures.T0, clusters);
        var engine = new PlacementEngine(CATALOG, SITES);

        PlacementResult ref1 = reference.place(fleet, policies, PlacementResult.EMPTY);
        PlacementResult got1 = engine.place(fleet, policies, PlacementResult.EMPTY);
        same(got1, ref1, "first placement");
        PlacementResult ref2 = reference.place(fleet, policies, ref1);
        PlacementResult got2 = engine.place(fleet, policies, got1);
        same(got2, ref2, "second placement");

        FleetSnapshot changed = fleet;
        PlacementResult refPrev = ref2;
        PlacementResult gotPrev = got2;
        for (int round = 0; round < 4 && n > 0; round++) {
            changed = change(random, changed);
            // alternately with the last result as previous, and with the same previous again (as the benchmark)
            PlacementResult ref = reference.place(changed, policies, refPrev);
            PlacementResult got = engine.place(changed, policies, gotPrev);
            same(got, ref, "re-placement " + round);
            same(new PlacementEngine(CATALOG, SITES).place(changed, policies, gotPrev), ref, "fresh engine " + round);
            if (round % 2 == 0) {
                refPrev = ref;
                gotPrev = got;
            }
        }
    }

    static void same(PlacementResult got, PlacementResult ref, String what) {
        assertThat(got.decisions()).as(what).hasSameSizeAs(ref.decisions());
        for (int i = 0; i < ref.decisions().size(); i++) {
            PlacementDecision g = got.decisions().get(i);
            PlacementDecision r = ref.decisions().get(i);
            assertThat(g.chosen()).as("%s %s chosen", what, r.policyName()).isEqualTo(r.chosen());
            assertThat(List.copyOf(g.excluded())).as("%s %s excluded", what, r.policyName()).isEqualTo(r.excluded());
            assertThat(g.shortfall()).as("%s %s shortfall", what, r.policyName()).isEqualTo(r.shortfall());
            assertThat(g.excludedBySource()).as("%s %s counts per reason", what, r.policyName()).isEqualTo(r.excludedBySource())
                    .containsAllEntriesOf(countedFromReasons(r.excluded()));
            assertThat(g).isEqualTo(r);
            for (ClusterExclusion e : r.excluded()) {
                assertThat(g.exclusion(e.clusterId())).contains(e);
            }
        }
    }

    private static java.util.Map<String, Integer> countedFromReasons(List<ClusterExclusion> excluded) {
        var counts = new java.util.HashMap<String, Integer>();
        excluded.forEach(e -> e.reasons().stream().map(ClusterExclusion.Reason::source).distinct()
                .forEach(source -> counts.merge(source, 1, Integer::sum)));
        return counts;
    }

    static FleetSnapshot change(Random random, FleetSnapshot s) {
        var clusters = new ArrayList<>(s.clusters());
        for (int k = 1 + random.nextInt(3); k > 0; k--) {
            int i = random.nextInt(clusters.size());
            ClusterState c = clusters.get(i);
            Load load = c.load();
            Health health = c.health();
            long cpuFree = c.cpuMillicoresFree();
            var gpus = c.gpus();
            switch (random.nextInt(5)) {
                case 0, 1 -> load = new Load(random.nextInt(4), random.nextDouble());
                case 2 -> health = Health.values()[random.nextInt(Health.values().length)];
                case 3 -> cpuFree = random.nextLong(c.cpuMillicores() + 1);
                default -> gpus = gpus.stream().map(p -> new GpuPool(p.model(), p.memoryGiB(), p.total(), random.nextInt(p.total() + 1))).toList();
            }
            clusters.set(i, new ClusterState(c.id(), c.labels(), c.jurisdiction(), c.location(), health, c.taints(), gpus, c.cpuMillicores(),
                    cpuFree, c.memoryBytes(), c.memoryBytesFree(), load, c.rttMsBySite(), c.serving()));
        }
        return new FleetSnapshot(s.takenAt().plusSeconds(1), clusters);
    }

    static ClusterState cluster(Random random, String id) {
        String site = SITE_NAMES.get(random.nextInt(SITE_NAMES.size()));
        var b = Fixtures.cluster(id).site(site).health(random.nextInt(5) == 0 ? Health.values()[random.nextInt(Health.values().length)] : Health.READY)
                .load(random.nextInt(3), random.nextDouble()).label("region", site.substring(0, 1))
                .cpu(8 + random.nextInt(24), random.nextInt(8)).memoryGiB(64, random.nextInt(64));
        for (int p = random.nextInt(3); p > 0; p--) {
            int count = 1 + random.nextInt(8);
            b.gpus(MODELS.get(random.nextInt(MODELS.size())), count, random.nextInt(count + 1), List.of(24, 40, 80).get(random.nextInt(3)));
        }
        if (random.nextInt(2) == 0) {
            b.rtt(random.nextBoolean() ? site : SITE_NAMES.get(random.nextInt(SITE_NAMES.size())), 1 + random.nextDouble() * 30);
        }
        if (random.nextInt(6) == 0) {
            b.taint("dedicated", "finance", random.nextBoolean() ? TaintEffect.NO_SCHEDULE : TaintEffect.PREFER_NO_SCHEDULE);
        }
        if (random.nextInt(3) == 0) {
            b.label("tier", random.nextBoolean() ? "core" : "edge");
        }
        return b.build();
    }

    static List<FleetPolicy> policies(Random random) {
        return policies(random, false);
    }

    /** @param wide policies that may pick 33 to 120 clusters */
    static List<FleetPolicy> policies(Random random, boolean wide) {
        var out = new ArrayList<FleetPolicy>();
        for (int i = 0, n = 1 + random.nextInt(8); i < n; i++) {
            var b = Fixtures.policy("p" + i).jurisdictions(JURISDICTIONS.get(random.nextInt(JURISDICTIONS.size())).toArray(String[]::new))
                    .replicas(1 + random.nextInt(2)).cpu(1 + random.nextInt(4)).memoryGiB(1 + random.nextInt(16));
            if (wide) { // many clusters must fit for a policy to pick more than a few: small, GPU-less, broad jurisdictions
                b.jurisdictions(random.nextBoolean() ? new String[] {"EU", "US", "JP", "IN"} : new String[] {"FIVE_EYES", "EU"})
                        .replicas(1).cpu(1).memoryGiB(1);
            }
            int gpu = wide ? 0 : random.nextInt(3);
            if (gpu > 0) {
                b.gpu(gpu, List.of(0, 24, 40, 80).get(random.nextInt(4)));
                if (random.nextInt(3) == 0) {
                    b.gpuModel(MODELS.get(random.nextInt(MODELS.size())));
                }
            }
            int min = random.nextInt(3);
            b.clusters(min, wide ? 33 + random.nextInt(88) : min + random.nextInt(4));
            if (random.nextInt(wide ? 4 : 2) == 0) {
                b.spreadBy(random.nextBoolean() ? "region" : "tier");
            }
            for (int d = random.nextInt(3); d > 0; d--) {
                b.demandAt(SITE_NAMES.get(random.nextInt(SITE_NAMES.size())), 1 + random.nextInt(4));
            }
            if (!wide && random.nextInt(5) == 0) {
                b.selector("tier", "core");
            }
            if (random.nextInt(4) == 0) {
                b.tolerates("dedicated", "finance");
            }
            out.add(b.build());
        }
        return out;
    }
}
