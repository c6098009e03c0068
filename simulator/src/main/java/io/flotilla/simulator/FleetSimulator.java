package io.flotilla.simulator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.flotilla.agent.identity.AgentIdentity;
import io.flotilla.agent.identity.AgentKey;
import io.flotilla.agent.identity.EnrollmentClient;
import io.flotilla.agent.identity.EnrollmentException;
import io.flotilla.policy.Sites;
import io.flotilla.proto.VerificationKey;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Runs N simulated edge clusters in one JVM. Each is a real agent ({@link SimulatedAgent}): its
 * own MQTT session to the broker, the real signature check, store and reconcile code, against its
 * own namespace on an in-process Kubernetes API where a {@link SimulatedKubelet} rolls Deployments out;
 * telemetry comes from a seeded random walk. The clusters are spread over {@code --api-servers} such APIs.
 * By default each is a {@link LightClusterApi}, which answers from hash maps; {@code --cluster-api crud} makes
 * them fabric8's CRUD mock server, which has watches (for {@code --informers true}) but answers every request
 * by scanning all the objects it holds: at 1,000 clusters on one such API, and again at 10,000 clusters, that
 * scan, not Flotilla, was the slowest part of convergence (profiled with JFR, see docs/benchmarks.md).
 *
 * <pre>java -jar simulator/target/flotilla-simulator.jar --clusters=24</pre>
 *
 * Also usable from code (benchmarks, tests): {@link #start(SimOptions, PrintStream)}, then {@link #close()};
 * {@link #restart(String)} restarts one cluster's agent as a pod restart would (the soak benchmark's random restarts).
 */
public final class FleetSimulator implements AutoCloseable {

    /** Held strongly: java.util.logging forgets the level of a logger nobody references. */
    private static final List<Logger> QUIETED = new ArrayList<>();
    /** The API servers log every request at INFO: thousands a minute with a fleet. */
    private static final Logger MOCK_SERVER_LOG = Logger.getLogger("io.fabric8.mockwebserver");

    static {
        MOCK_SERVER_LOG.setLevel(Level.WARNING);
    }

    private final SimOptions options;
    private final PrintStream out;
    private final List<SimCluster> fleet;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Read by the simulated kubelets' threads; an agent restarted is replaced here. */
    private final Map<String, SimulatedAgent> byNamespace = new ConcurrentHashMap<>();
    /** The identities the simulated agents enrolled for, by cluster id. */
    private final Map<String, AgentIdentity> identities = new ConcurrentHashMap<>();
    /** One per cluster, in fleet order; an agent restarted is replaced at its place (rarely: copy-on-write is cheap). */
    private final List<SimulatedAgent> agents = new CopyOnWriteArrayList<>();
    /** Each cluster's position in the fleet, by cluster id. */
    private final Map<String, Integer> positions = new HashMap<>();
    /** The clusters whose agent is being restarted now. */
    private final Set<String> restarting = ConcurrentHashMap.newKeySet();
    private final AtomicInteger restarts = new AtomicInteger();
    /** Telemetry reports the agents built and handed to their outbound queues, restarted agents' included. */
    private final LongAdder telemetryReports = new LongAdder();
    private final List<SimulatedModelServer> modelServers = new ArrayList<>();
    /** Each cluster's stand-in model server, by cluster id, when they run. */
    private final Map<String, SimulatedModelServer> modelServerOf = new HashMap<>();
    private Clock clock;
    private ExecutorService modelServerThreads;
    private final ScheduledExecutorService pahoExecutor;
    private final Path stateDir;
    private final boolean deleteStateDir;
    /** One simulated Kubernetes API with its client and the kubelet that rolls its Deployments out. */
    private record ApiShard(KubernetesMockServer server, KubernetesClient client, SimulatedKubelet kubelet) {

        /**
         * fabric8's MockWebServer keeps every request it has answered, body and headers, for takeRequest(), which
         * nothing here calls: at 10,000 clusters that is hundreds of requests a second the heap would hold for good.
         */
        void forgetAnsweredRequests() {
            try {
                while (server.takeRequest(0, TimeUnit.MILLISECONDS) != null) {
                    // dropped
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private final List<ApiShard> shards = new ArrayList<>();
    private ScheduledExecutorService progress;
    private String lastProgress = "";
    private boolean closed;

    private FleetSimulator(SimOptions options, PrintStream out) throws IOException {
        this.options = options;
        this.out = out;
        this.fleet = FleetPlan.plan(Sites.builtIn(), options.clusters(), options.prefix(), options.seed());
        if (options.stateDir().isPresent()) {
            this.stateDir = Files.createDirectories(options.stateDir().get());
            this.deleteStateDir = false;
        } else {
            this.stateDir = Files.createTempDirectory("flotilla-sim-");
            this.deleteStateDir = true;
        }
        // Paho runs its send/receive loops as long-running tasks: one huge pool of virtual threads for all clients
        this.pahoExecutor = Executors.newScheduledThreadPool(200_000, Thread.ofVirtual().name("sim-paho-", 0).factory());
    }

    /** Starts the whole fleet; returns once every agent has been started (not necessarily connected). */
    public static FleetSimulator start(SimOptions options, PrintStream out) throws Exception {
        FleetSimulator sim = new FleetSimulator(options, out);
        try {
            sim.startAll();
            return sim;
        } catch (Exception | Error e) {
            sim.close();
            throw e;
        }
    }

    private void startAll() throws Exception {
        ControlPlaneClient controlPlane = new ControlPlaneClient(options.controlPlane(), options.token().orElse(null));
        String key = options.key().isPresent() ? options.key().get()
                : controlPlane.signingKey(Duration.ofSeconds(60));
        VerificationKey verificationKey = VerificationKey.fromBase64(key);
        out.printf("fleet simulator: %d clusters (seed %d), broker %s, %d simulated API servers (%s), state in %s%n",
                fleet.size(), options.seed(), options.broker(), options.apiServers(),
                options.clusterApi().name().toLowerCase(Locale.ROOT), stateDir);

        if (options.register()) {
            register(controlPlane);
        }

        clock = Clock.systemUTC();
        for (int i = 0; i < options.apiServers(); i++) {
            Dispatcher api = switch (options.clusterApi()) {
                case LIGHT -> new LightClusterApi();
                case CRUD -> new KubernetesCrudDispatcher();
            };
            KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                    api, false);
            server.init(InetAddress.getLoopbackAddress(), 0);
            KubernetesClient client = server.createClient();
            SimulatedKubelet kubelet = new SimulatedKubelet(client, options.readyDelay(), namespace -> {
                SimulatedAgent agent = byNamespace.get(namespace);
                if (agent != null) {
                    agent.refreshStatus();
                }
            }, clock);
            shards.add(new ApiShard(server, client, kubelet));
        }

        if (options.modelServers()) {
            modelServerThreads = Executors.newVirtualThreadPerTaskExecutor();
        }
        List<SimulatedAgent> created = new ArrayList<>(fleet.size());
        for (int i = 0; i < fleet.size(); i++) {
            SimCluster cluster = fleet.get(i);
            if (options.modelServers()) {
                SimulatedModelServer modelServer = new SimulatedModelServer(cluster.id(), 0, modelServerThreads,
                        Duration.ofMillis(20));
                modelServers.add(modelServer);
                modelServerOf.put(cluster.id(), modelServer);
            }
            // enrolled above; without registration (--no-register) the broker must take any client
            identities.computeIfAbsent(cluster.id(), id -> AgentIdentity.unenrolled(id, options.broker(), verificationKey));
            positions.put(cluster.id(), i);
            SimulatedAgent agent = newAgent(i);
            created.add(agent);
            byNamespace.put(cluster.namespace(), agent);
        }
        agents.addAll(created);
        agents.forEach(SimulatedAgent::start);
        // each tick lists every Deployment of its API: at 100 ms with --ready-delay 0s that listing was the
        // simulator's largest cost at 1,000 clusters (JFR), so a rollout is marked ready at most a second late
        Duration kubeletInterval = Duration.ofSeconds(1);
        shards.forEach(shard -> shard.kubelet().start(kubeletInterval));

        progress = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("sim-progress").daemon().factory());
        long every = options.progressInterval().toMillis();
        progress.scheduleWithFixedDelay(this::printProgress, Math.min(every, 1000), every, TimeUnit.MILLISECONDS);
        progress.scheduleWithFixedDelay(() -> shards.forEach(ApiShard::forgetAnsweredRequests), 10, 10,
                TimeUnit.SECONDS);
    }

    /** The agent of the cluster at {@code position}: its identity, API server, model server and state folder. */
    private SimulatedAgent newAgent(int position) throws IOException {
        SimCluster cluster = fleet.get(position);
        KubernetesClient kubernetes = shards.get(position % shards.size()).client();
        return new SimulatedAgent(cluster, options, identities.get(cluster.id()), kubernetes, pahoExecutor, stateDir,
                clock, modelServerOf.get(cluster.id()), telemetryReports);
    }

    /**
     * Registers and enrolls {@code clusters} with the control plane at {@code base} (API token {@code token}), each
     * with a new key, for a harness that publishes as those clusters itself: the control plane takes a cluster's
     * reports only signed with its enrolled key.
     *
     * @throws IOException when a cluster could not be registered or enrolled
     */
    public static Map<String, AgentIdentity> enroll(java.net.URI base, String token, List<SimCluster> clusters)
            throws IOException, InterruptedException {
        var controlPlane = new ControlPlaneClient(base, token);
        EnrollmentClient enrollment = new EnrollmentClient(controlPlane.base(), Optional.empty());
        Map<String, AgentIdentity> out = new java.util.concurrent.ConcurrentHashMap<>();
        for (SimCluster cluster : clusters) {
            controlPlane.register(cluster);
            try {
                out.put(cluster.id(), enrollment.enroll(cluster.id(), controlPlane.bootstrapToken(cluster), AgentKey.generate(RANDOM)));
            } catch (EnrollmentException e) {
                throw new IOException("enrolling " + cluster.id() + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** Registers and enrolls every cluster: each simulated agent exchanges its token for its identity, as agents do. */
    private void register(ControlPlaneClient controlPlane) throws InterruptedException {
        EnrollmentClient enrollment = new EnrollmentClient(controlPlane.base(), Optional.empty());
        AtomicInteger registered = new AtomicInteger();
        List<String> failures = new ArrayList<>();
        Semaphore concurrency = new Semaphore(16);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (SimCluster cluster : fleet) {
                concurrency.acquire();
                pool.execute(() -> {
                    try {
                        controlPlane.register(cluster);
                        AgentIdentity identity = enrollment.enroll(cluster.id(), controlPlane.bootstrapToken(cluster),
                                AgentKey.generate(RANDOM));
                        identities.put(cluster.id(), identity.withBrokerUrl(options.broker()));
                        registered.incrementAndGet();
                    } catch (IOException | EnrollmentException e) {
                        synchronized (failures) {
                            failures.add(e.getMessage());
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        concurrency.release();
                    }
                });
            }
        }
        out.printf("registered and enrolled %d/%d clusters with %s%n", registered.get(), fleet.size(), options.controlPlane());
        failures.stream().limit(5).forEach(f -> out.println("  registration failed: " + f));
    }

    /** Each simulated agent's public key, by cluster id: what its reports are signed with. */
    public Map<String, VerificationKey> agentKeys() {
        Map<String, VerificationKey> keys = new HashMap<>();
        identities.forEach((id, identity) -> keys.put(id, identity.publicKey()));
        return keys;
    }

    public List<SimCluster> clusters() {
        return List.copyOf(fleet);
    }

    /** Agents connected to the broker now. */
    public int connected() {
        return (int) agents.stream().filter(SimulatedAgent::connected).count();
    }

    /** The generation each cluster has applied (0: none yet). */
    public Map<String, Long> appliedGenerations() {
        Map<String, Long> applied = new HashMap<>();
        agents.forEach(a -> applied.put(a.cluster().id(), a.appliedGeneration()));
        return applied;
    }

    /** Starts timing the next desired state each agent receives; see {@link #arrivals()}. */
    public void markArrivals() {
        agents.forEach(SimulatedAgent::markArrival);
    }

    /**
     * Per cluster, {@link System#nanoTime()} when the first desired state since {@link #markArrivals()} arrived from the
     * broker and when its agent had verified and stored it; 0 where that did not happen.
     */
    public Map<String, long[]> arrivals() {
        var out = new java.util.TreeMap<String, long[]>();
        agents.forEach(a -> out.put(a.cluster().id(), a.arrival()));
        return out;
    }

    /**
     * Restarts one cluster's agent as a pod restart would: the running agent disconnects cleanly (announcing OFFLINE
     * presence) and a new one starts with the same identity and state folder, so it loads the desired state and the
     * applied generation it had stored, reconnects to its persistent broker session and reconciles. Telemetry
     * buffered by the old agent while it was offline is lost, as it is in a real agent. Returns once the new agent
     * has been started (not necessarily connected).
     *
     * @return false when that cluster's agent is being restarted already, or the fleet is closing
     * @throws IllegalArgumentException for a cluster id that is not in the fleet
     */
    public boolean restart(String clusterId) throws IOException {
        Integer position = positions.get(clusterId);
        if (position == null) {
            throw new IllegalArgumentException("no simulated cluster " + clusterId);
        }
        if (!restarting.add(clusterId)) {
            return false;
        }
        try {
            synchronized (this) {
                if (closed) {
                    return false;
                }
            }
            agents.get(position).close();
            if (!startAgent(position)) {
                return false;
            }
            restarts.incrementAndGet();
            return true;
        } finally {
            restarting.remove(clusterId);
        }
    }

    /**
     * Stops one cluster's agent as a device switched off would, after a clean disconnect (OFFLINE presence); it stays
     * away until {@link #start(String)}.
     */
    public void stop(String clusterId) {
        agents.get(position(clusterId)).close();
    }

    /** Starts a stopped cluster's agent again, with its identity and state folder, as {@link #restart} does. */
    public boolean start(String clusterId) throws IOException {
        return startAgent(position(clusterId));
    }

    private int position(String clusterId) {
        Integer position = positions.get(clusterId);
        if (position == null) {
            throw new IllegalArgumentException("no simulated cluster " + clusterId);
        }
        return position;
    }

    private synchronized boolean startAgent(int position) throws IOException {
        if (closed) {
            return false;
        }
        SimulatedAgent fresh = newAgent(position);
        agents.set(position, fresh);
        byNamespace.put(fresh.cluster().namespace(), fresh);
        fresh.start();
        return true;
    }

    /** Agent restarts done by {@link #restart(String)}. */
    public int restarts() {
        return restarts.get();
    }

    /**
     * Telemetry reports the simulated agents built and handed to their agent's outbound queue since the start
     * (what the control plane should receive, less what an agent dropped while offline or lost in a restart).
     */
    public long telemetryReportsSent() {
        return telemetryReports.sum();
    }

    private void printProgress() {
        try {
            int connected = connected();
            long withDesired = agents.stream().filter(a -> a.storedGeneration() > 0).count();
            long upToDate = agents.stream().filter(a -> a.storedGeneration() > 0
                    && a.appliedGeneration() == a.storedGeneration()).count();
            long generations = agents.stream().mapToLong(SimulatedAgent::appliedGeneration).sum();
            String line = String.format("connected %d/%d, desired state received by %d, applied by %d "
                    + "(generations applied: %d), deployments ready %d/%d", connected, agents.size(), withDesired,
                    upToDate, generations, shards.stream().mapToInt(sh -> sh.kubelet().ready()).sum(),
                    shards.stream().mapToInt(sh -> sh.kubelet().total()).sum());
            if (!line.equals(lastProgress)) {
                lastProgress = line;
                out.println(line);
            }
        } catch (RuntimeException e) {
            out.println("progress: " + e);
        }
    }

    /** Disconnects every agent cleanly (each announces OFFLINE presence) and stops the simulated API. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (progress != null) {
            progress.shutdownNow();
        }
        shards.forEach(shard -> shard.kubelet().close());
        if (!agents.isEmpty()) {
            try (ExecutorService closing = Executors.newVirtualThreadPerTaskExecutor()) {
                agents.forEach(a -> closing.execute(a::close));
            }
            out.printf("fleet simulator: %d agents disconnected%n", agents.size());
        }
        pahoExecutor.shutdownNow();
        modelServers.forEach(SimulatedModelServer::close);
        if (modelServerThreads != null) {
            modelServerThreads.shutdownNow();
        }
        for (ApiShard shard : shards) {
            shard.client().close();
            shard.server().destroy();
        }
        if (deleteStateDir) {
            deleteRecursively(stateDir);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory: best effort
        }
    }

    public static void main(String[] args) throws Exception {
        SimOptions options;
        try {
            options = SimOptions.parse(args);
        } catch (IllegalArgumentException e) {
            if (!"help".equals(e.getMessage())) {
                System.err.println("fleet simulator: " + e.getMessage());
            }
            System.err.print(SimOptions.USAGE);
            System.exit("help".equals(e.getMessage()) ? 0 : 2);
            return;
        }
        quietLogging();
        FleetSimulator sim;
        try {
            sim = start(options, System.out);
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("fleet simulator: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("fleet simulator: stopping");
            sim.close();
            stopped.countDown();
        }, "sim-shutdown"));
        System.out.println("fleet simulator: running; Ctrl-C stops it");
        stopped.await();
    }

    /** Each agent logs its connects and reconciles; with dozens of them only warnings are worth reading. */
    private static void quietLogging() {
        if (System.getProperty("java.util.logging.config.file") == null) {
            for (String name : List.of("io.flotilla.agent", "org.eclipse.paho", "io.fabric8")) {
                Logger logger = Logger.getLogger(name);
                logger.setLevel(Level.WARNING);
                QUIETED.add(logger);
            }
        }
    }
}
