package io.flotilla.placement;

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
import java.util.TreeMap;

/** Small fluent builders: {@code cluster("c1").jurisdiction("DE").gpus("A100", 2, 80)}. */
public final class Fixtures {
    private Fixtures() {
    }

    public static final JurisdictionCatalog CATALOG = JurisdictionCatalog.builtIn();
    public static final Sites SITES = Sites.builtIn();
    public static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    public static ClusterBuilder cluster(String id) {
        return new ClusterBuilder(id);
    }

    public static PolicyBuilder policy(String name) {
        return new PolicyBuilder(name);
    }

    public static FleetSnapshot fleet(ClusterBuilder... clusters) {
        return new FleetSnapshot(T0, java.util.Arrays.stream(clusters).map(ClusterBuilder::build).toList());
    }

    public static GeoPoint at(String site) {
        return SITES.find(site).orElseThrow().location();
    }

    public static final class ClusterBuilder {
        private final String id;
        private final Map<String, String> labels = new TreeMap<>();
        private String jurisdiction = "DE";
        private GeoPoint location = at("frankfurt");
        private Health health = Health.READY;
        private final List<Taint> taints = new ArrayList<>();
        private final List<GpuPool> gpus = new ArrayList<>();
        private long cpu = 32_000;
        private long cpuFree = 32_000;
        private long memory = 128L << 30;
        private long memoryFree = 128L << 30;
        private Load load = Load.IDLE;
        private final Map<String, Double> rtt = new TreeMap<>();
        private final List<ServedWorkload> serving = new ArrayList<>();

        ClusterBuilder(String id) {
            this.id = id;
        }

        /** Jurisdiction and location of a known site, e.g. "mumbai" gives IN-MH at 19.08,72.88. */
        public ClusterBuilder site(String site) {
            var s = SITES.find(site).orElseThrow();
            this.jurisdiction = s.subdivision();
            this.location = s.location();
            return this;
        }

        public ClusterBuilder jurisdiction(String j) {
            this.jurisdiction = j;
            return this;
        }

        public ClusterBuilder location(double lat, double lon) {
            this.location = new GeoPoint(lat, lon);
            return this;
        }

        public ClusterBuilder label(String k, String v) {
            labels.put(k, v);
            return this;
        }

        public ClusterBuilder health(Health h) {
            this.health = h;
            return this;
        }

        public ClusterBuilder taint(String key, String value, TaintEffect effect) {
            taints.add(new Taint(key, value, effect));
            return this;
        }

        public ClusterBuilder gpus(String model, int count, int memoryGiB) {
            return gpus(model, count, count, memoryGiB);
        }

        public ClusterBuilder gpus(String model, int count, int free, int memoryGiB) {
            gpus.add(new GpuPool(model, memoryGiB, count, free));
            return this;
        }

        public ClusterBuilder cpu(long cores, long freeCores) {
            this.cpu = cores * 1000;
            this.cpuFree = freeCores * 1000;
            return this;
        }

        public ClusterBuilder memoryGiB(long total, long free) {
            this.memory = total << 30;
            this.memoryFree = free << 30;
            return this;
        }

        public ClusterBuilder load(int queueDepth, double gpuUtilisation) {
            this.load = new Load(queueDepth, gpuUtilisation);
            return this;
        }

        public ClusterBuilder rtt(String site, double ms) {
            rtt.put(site, ms);
            return this;
        }

        public ClusterBuilder serves(String policy, String alias) {
            serving.add(new ServedWorkload(policy, alias, "https://" + id + ".edge.example:8443"));
            return this;
        }

        public ClusterState build() {
            return new ClusterState(id, new TreeMap<>(labels), jurisdiction, location, health, taints, gpus, cpu, cpuFree, memory,
                    memoryFree, load, new TreeMap<>(rtt), serving);
        }
    }

    public static final class PolicyBuilder {
        private final String name;
        private List<String> jurisdictions = List.of("EU");
        private int gpu = 1;
        private int gpuMemoryGiB = 0;
        private String gpuModel;
        private long cpuMillis = 4000;
        private long memoryGiB = 16;
        private int replicas = 1;
        private int min = 1;
        private int max = 1;
        private String spreadBy;
        private final List<DemandPoint> demand = new ArrayList<>();
        private final Map<String, String> matchLabels = new TreeMap<>();
        private final List<Toleration> tolerations = new ArrayList<>();
        private String alias;
        private Integer maxLatencyMs;
        private Integer maxQueue;

        PolicyBuilder(String name) {
            this.name = name;
            this.alias = name;
        }

        public PolicyBuilder jurisdictions(String... j) {
            this.jurisdictions = List.of(j);
            return this;
        }

        public PolicyBuilder gpu(int count, int memoryGiB) {
            this.gpu = count;
            this.gpuMemoryGiB = memoryGiB;
            return this;
        }

        public PolicyBuilder gpuModel(String model) {
            this.gpuModel = model;
            return this;
        }

        public PolicyBuilder cpu(long cores) {
            this.cpuMillis = cores * 1000;
            return this;
        }

        public PolicyBuilder memoryGiB(long gib) {
            this.memoryGiB = gib;
            return this;
        }

        public PolicyBuilder replicas(int r) {
            this.replicas = r;
            return this;
        }

        public PolicyBuilder clusters(int min, int max) {
            this.min = min;
            this.max = max;
            return this;
        }

        public PolicyBuilder spreadBy(String key) {
            this.spreadBy = key;
            return this;
        }

        public PolicyBuilder demandAt(String site, double weight) {
            demand.add(DemandPoint.atSite(site, weight));
            return this;
        }

        public PolicyBuilder selector(String k, String v) {
            matchLabels.put(k, v);
            return this;
        }

        public PolicyBuilder tolerates(String key, String value) {
            tolerations.add(new Toleration(Optional.of(key), TolerationOperator.EQUAL, Optional.of(value), Optional.empty()));
            return this;
        }

        public PolicyBuilder alias(String a) {
            this.alias = a;
            return this;
        }

        public PolicyBuilder maxLatencyMs(int ms) {
            this.maxLatencyMs = ms;
            return this;
        }

        public PolicyBuilder maxQueue(int waiting) {
            this.maxQueue = waiting;
            return this;
        }

        public FleetPolicy build() {
            var workload = new Workload("org/model", Runtime.VLLM, "vllm/vllm-openai:v0.8.5", 8000, List.of(), List.of(),
                    new Resources(gpu, gpuMemoryGiB, Optional.ofNullable(gpuModel), new CpuQuantity(cpuMillis),
                            MemoryQuantity.gibibytes(memoryGiB)),
                    "/health", Map.of(), tolerations, Optional.empty());
            var placement = new Placement(new ClusterSelector(new TreeMap<>(matchLabels), List.of()), jurisdictions, replicas, min, max,
                    Optional.ofNullable(spreadBy), demand);
            return new FleetPolicy(FleetPolicy.API_VERSION, FleetPolicy.KIND, PolicyMetadata.named(name),
                    new PolicySpec(workload, placement, new Rollout(IntOrPercent.percent(25), IntOrPercent.count(0), true),
                            new Routing(alias, Optional.ofNullable(maxLatencyMs), Optional.empty(), Optional.empty(),
                                    Optional.ofNullable(maxQueue))));
        }
    }
}
