package io.flotilla.simulator;

import io.flotilla.policy.Site;
import io.flotilla.policy.Sites;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Lays out a simulated fleet over the built-in sites: cluster i stands in site i mod 70 (sites by name), with a seeded position jitter and GPU capacity. Same seed, same fleet.
 */
public final class FleetPlan {

    private FleetPlan() {
    }

    public static List<SimCluster> plan(Sites sites, int clusters, String prefix, long seed) {
        List<Site> all = new ArrayList<>(sites.all());
        if (all.isEmpty()) {
            throw new IllegalArgumentException("no sites to place simulated clusters at");
        }
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, Integer> perSite = new LinkedHashMap<>();
        List<SimCluster> fleet = new ArrayList<>(clusters);
        for (int i = 0; i < clusters; i++) {
            Site site = all.get(i % all.size());
            int n = perSite.merge(site.name(), 1, Integer::sum);
            String id = prefix + "-" + site.name() + "-" + n;
            String jurisdiction = site.subdivision() == null || site.subdivision().isBlank() ? site.country()
                    : site.subdivision();
            double lat = clamp(site.location().lat() + (random.nextDouble() - 0.5) * 0.1, -90, 90);
            double lon = clamp(site.location().lon() + (random.nextDouble() - 0.5) * 0.1, -180, 180);
            lat = Math.round(lat * 10_000) / 10_000.0;
            lon = Math.round(lon * 10_000) / 10_000.0;
            boolean a100 = random.nextInt(4) == 0;
            int gpus = 2 + random.nextInt(7); // 2..8
            int cpu = 32 + 8 * random.nextInt(5); // 32..64
            int memory = 128 << random.nextInt(3); // 128, 256, 512 Gi
            Map<String, String> labels = new LinkedHashMap<>();
            labels.put("tier", "edge");
            labels.put("region", Regions.of(site.country(), site.subdivision()));
            labels.put("site", site.name());
            labels.put("simulated", "true");
            fleet.add(new SimCluster(id, site.name(), site.country(), jurisdiction, lat, lon, Map.copyOf(labels),
                    a100 ? "A100" : "L4", gpus, a100 ? 80 : 24, cpu, memory));
        }
        return fleet;
    }

    private static double clamp(double v, double min, double max) {
        return Math.max(min, Math.min(max, v));
    }
}
