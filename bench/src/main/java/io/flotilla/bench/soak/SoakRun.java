package io.flotilla.bench.soak;

import io.flotilla.simulator.FleetSimulator;
import io.flotilla.simulator.SimCluster;
import io.flotilla.simulator.SimOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.logging.StreamHandler;
import java.util.stream.Stream;

/**
 * The soak: PostgreSQL (embedded, io.zonky), Mosquitto with dynamic security, the packaged control plane built for
 * PostgreSQL as its own process, and a simulated fleet (real agent code, one MQTT session and broker identity each)
 * in this JVM. Once the fleet has converged on the first version of one FleetPolicy, for {@code --duration}: a new
 * version of it (image tag v2, v3, ...) every {@code --policy-interval}, and {@code --restarts-per-minute} random
 * agent restarts a minute. Every minute one line: the control plane's RSS and heap after a full GC, how many clusters
 * applied the newest generation the control plane wants on them, how many are behind and how many are stuck (a
 * generation not applied for longer than {@code --stuck-after}), and the telemetry the simulated agents sent against
 * the reports the control plane counted. At the end a summary; the exit status is 1 when a generation was stuck or
 * lost (not applied, or its application not heard by the control plane, after {@code --settle}), 2 when the soak
 * could not run.
 *
 * <pre>bench/soak.sh --clusters 1000 --duration 30m --csv soak.csv</pre>
 *
 * Not part of CI: 1,000 clusters for 30 minutes want a machine of their own.
 */
public final class SoakRun implements AutoCloseable {

    /** How often the agents' applied generations are compared with the desired ones. */
    private static final Duration CHECK_INTERVAL = Duration.ofSeconds(5);
    private static final double MIB = 1024.0 * 1024;
    /** Held strongly: java.util.logging forgets the level of a logger nobody references. */
    private static final List<Logger> QUIETED = new ArrayList<>();

    private final SoakOptions options;
    private final PrintStream out;
    private final Path java;
    private final Path jcmd;
    private final Path workDir;
    private final boolean temporaryWorkDir;
    private final PrintStream fleetLog;

    private EmbeddedPostgres postgres;
    private SoakBroker broker;
    private SoakControlPlane controlPlane;
    private ControlPlaneDatabase database;
    private FleetSimulator fleet;
    private DesiredStateObserver observer;
    private GenerationTracker tracker;
    private List<String> clusterIds;
    private TreeSet<String> jurisdictions;
    private ScheduledExecutorService scheduler;
    private ExecutorService restartThreads;
    private PrintWriter csv;

    private final AtomicInteger policyVersion = new AtomicInteger();
    private final AtomicInteger policyChanges = new AtomicInteger();
    private final AtomicInteger policyFailures = new AtomicInteger();
    private final AtomicInteger restartFailures = new AtomicInteger();
    private final AtomicReference<String> lastProblem = new AtomicReference<>("");
    private final AtomicReference<String> aborted = new AtomicReference<>();
    private final List<Sample> samples = new ArrayList<>();
    private Random random;
    private volatile boolean changing;

    /** One per-minute line. */
    record Sample(double minute, long elapsedSeconds, long rssKib, long heapBytes, int policyVersion, int policyChanges,
            int restarts, int connected, int clusters, int converged, int cpAcknowledged, int behind, int stuck,
            long stuckGenerations, long oldestPendingSeconds, long telemetrySent, long telemetryReceived) {

        double lossPercent() {
            return telemetrySent == 0 ? 0 : 100.0 * Math.max(0, telemetrySent - telemetryReceived) / telemetrySent;
        }
    }

    private SoakRun(SoakOptions options, PrintStream out) throws IOException {
        this.options = options;
        this.out = out;
        this.java = Path.of(System.getProperty("java.home"), "bin", "java");
        this.jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (options.workDir().isPresent()) {
            this.workDir = Files.createDirectories(options.workDir().get()).toAbsolutePath();
            this.temporaryWorkDir = false;
        } else {
            this.workDir = Files.createTempDirectory("flotilla-soak-").toAbsolutePath();
            this.temporaryWorkDir = true;
        }
        this.fleetLog = new PrintStream(new FileOutputStream(workDir.resolve("fleet.log").toFile(), true), true,
                StandardCharsets.UTF_8);
    }

    public static void main(String[] args) {
        SoakOptions options;
        try {
            options = SoakOptions.parse(args);
        } catch (IllegalArgumentException e) {
            if (!"help".equals(e.getMessage())) {
                System.err.println("soak: " + e.getMessage());
            }
            System.err.print(SoakOptions.USAGE);
            System.exit("help".equals(e.getMessage()) ? 0 : 2);
            return;
        }
        int status;
        SoakRun run = null;
        try {
            run = new SoakRun(options, System.out);
            status = run.run();
        } catch (Exception | Error e) {
            System.out.flush();
            System.err.println("soak: could not run: " + e.getMessage());
            if (!(e instanceof IllegalStateException)) {
                e.printStackTrace();
            }
            status = 2;
        } finally {
            if (run != null) {
                run.close();
            }
        }
        if (run != null) {
            run.cleanUp(status);
        }
        System.exit(status);
    }

    private int run() throws Exception {
        checkPrerequisites();
        routeLoggingTo(fleetLog);
        out.printf("Flotilla soak: %d simulated clusters for %s, a policy change every %s, %d agent restarts a minute, "
                + "telemetry every %s; stuck after %s%n", options.clusters(), human(options.duration()),
                human(options.policyInterval()), options.restartsPerMinute(), human(options.telemetryInterval()),
                human(options.stuckAfter()));
        out.printf("work folder %s (logs: control-plane.log, mosquitto.log, postgresql.log, fleet.log)%n", workDir);
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "soak-shutdown"));

        long t = System.nanoTime();
        startPostgres();
        broker = SoakBroker.start(options.mosquitto(), workDir, options.mqttPort());
        out.printf("Mosquitto on %s (dynamic security; every agent logs in with its own identity)%n", broker.url());
        out.println("re-augmenting the control plane for PostgreSQL...");
        Path jar = SoakControlPlane.buildForPostgres(java, options.controlPlaneApp().toAbsolutePath(), workDir);
        String jdbc = "jdbc:postgresql://127.0.0.1:" + options.postgresPort() + "/postgres";
        List<String> properties = new ArrayList<>(broker.controlPlaneProperties());
        properties.addAll(List.of("-Dquarkus.datasource.jdbc.url=" + jdbc, "-Dquarkus.datasource.username=postgres",
                "-Dquarkus.datasource.password=postgres"));
        database = new ControlPlaneDatabase(jdbc, "postgres", "postgres");
        controlPlane = SoakControlPlane.start(java, jar, workDir, options.httpPort(), options.controlPlaneHeap(),
                options.controlPlaneJavaOptions(), properties, Duration.ofMinutes(3));
        out.printf("control plane (PostgreSQL build, -Xmx%s) ready on %s, pid %d, after %.0f s%n",
                options.controlPlaneHeap(), controlPlane.url(), controlPlane.pid(), seconds(System.nanoTime() - t));
        out.printf("heap after GC: jcmd %d GC.run, then GC.heap_info's \"used\"; RSS: VmRSS of /proc/%d/status%n",
                controlPlane.pid(), controlPlane.pid());

        startFleet();
        startMeasuring();
        return soak();
    }

    private void checkPrerequisites() throws IOException {
        if (!Files.isExecutable(options.mosquitto())) {
            throw new IllegalStateException(options.mosquitto() + " is not there: install Mosquitto 2 "
                    + "(apt-get install mosquitto) or name the binary with --mosquitto");
        }
        if (SoakBroker.plugin().isEmpty()) {
            throw new IllegalStateException("Mosquitto's dynamic security plugin is not in any of " + SoakBroker.PLUGINS);
        }
        Path runJar = options.controlPlaneApp().resolve("quarkus-run.jar");
        if (!Files.isRegularFile(runJar)) {
            throw new IllegalStateException(runJar + " is missing: build the control plane first "
                    + "(./mvnw -q -pl control-plane,bench -am package -DskipTests)");
        }
        if (!Files.isExecutable(jcmd)) {
            throw new IllegalStateException(jcmd + " is missing: the soak needs a full JDK (it reads the control "
                    + "plane's heap with jcmd)");
        }
        if (!Files.isDirectory(Path.of("/proc/self"))) {
            throw new IllegalStateException("no /proc: the soak reads the control plane's RSS there (Linux only)");
        }
        for (int port : List.of(options.httpPort(), options.mqttPort(), options.postgresPort())) {
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
                s.setReuseAddress(true);
            } catch (IOException e) {
                throw new IllegalStateException("port " + port + " on 127.0.0.1 is taken; choose others with "
                        + "--http-port, --mqtt-port and --postgres-port");
            }
        }
    }

    private void startPostgres() throws IOException {
        ProcessBuilder.Redirect log = ProcessBuilder.Redirect.appendTo(workDir.resolve("postgresql.log").toFile());
        Path data = workDir.resolve("postgresql");
        postgres = EmbeddedPostgres.builder().setPort(options.postgresPort()).setDataDirectory(data)
                .setCleanDataDirectory(true).setServerConfig("listen_addresses", "127.0.0.1")
                .setOutputRedirector(log).setErrorRedirector(log).start();
        try {
            String pid = Files.readAllLines(data.resolve("postmaster.pid")).getFirst().trim();
            ChildProcess.recordPid(workDir, "postgres", Long.parseLong(pid));
        } catch (IOException | RuntimeException e) {
            // only the script's last-resort cleanup needs it
        }
        out.printf("PostgreSQL (embedded) on 127.0.0.1:%d%n", options.postgresPort());
    }

    private void startFleet() throws Exception {
        long t = System.nanoTime();
        List<String> simArgs = new ArrayList<>(List.of("--clusters", String.valueOf(options.clusters()),
                "--control-plane", controlPlane.url(), "--token", controlPlane.token(), "--broker", broker.url(),
                "--telemetry-interval", options.telemetryInterval().toMillis() + "ms", "--prefix", "soak",
                "--seed", String.valueOf(options.seed()), "--state-dir", workDir.resolve("fleet").toString(),
                "--ready-delay", "1s", "--informers", "false", "--model-servers", "false",
                "--progress-interval", "30s"));
        out.printf("registering, enrolling and starting %d simulated clusters...%n", options.clusters());
        fleet = FleetSimulator.start(SimOptions.parse(simArgs.toArray(String[]::new)), fleetLog);
        clusterIds = fleet.clusters().stream().map(SimCluster::id).toList();
        jurisdictions = new TreeSet<>();
        fleet.clusters().forEach(c -> jurisdictions.add(c.jurisdiction()));
        tracker = new GenerationTracker(clusterIds, options.stuckAfter());
        observer = DesiredStateObserver.start(broker.url(), SoakBroker.CONTROL_PLANE_USER, broker.controlPlanePassword(),
                tracker, controlPlane::signingKey);
        waitFor("every agent connected", options.startTimeout(), Duration.ofSeconds(1),
                () -> fleet.connected() == options.clusters());
        out.printf("%d agents connected after %.0f s%n", options.clusters(), seconds(System.nanoTime() - t));

        t = System.nanoTime();
        applyPolicy(1);
        // applied by every agent, and the control plane heard so from each
        waitFor("the first version applied everywhere", options.startTimeout(), Duration.ofSeconds(1), () -> {
            int acknowledged = refreshFromControlPlane();
            tracker.update(fleet.appliedGenerations(), System.nanoTime());
            return tracker.allConvergedOnSomething() && acknowledged == options.clusters();
        });
        out.printf("first version applied by all %d clusters (and acknowledged) after %.0f s; the soak starts%n",
                options.clusters(), seconds(System.nanoTime() - t));
        tracker.forgetStuck();
    }

    private void startMeasuring() throws IOException {
        if (options.csv().isPresent()) {
            Path file = options.csv().get().toAbsolutePath();
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            csv = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8), true);
            csv.println("minute,elapsed_s,rss_mib,heap_after_gc_mib,policy_version,policy_changes,restarts,connected,"
                    + "clusters,converged,cp_acknowledged,behind,stuck,stuck_generations_total,oldest_pending_s,"
                    + "telemetry_sent,telemetry_received,telemetry_loss_pct");
        }
        random = new Random(options.seed());
        scheduler = Executors.newScheduledThreadPool(2, Thread.ofPlatform().name("soak-", 0).daemon().factory());
        restartThreads = Executors.newVirtualThreadPerTaskExecutor();
    }

    private int soak() throws Exception {
        long start = System.nanoTime();
        long end = start + options.duration().toNanos();
        changing = true;
        scheduler.scheduleWithFixedDelay(this::check, 0, CHECK_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        long interval = options.policyInterval().toMillis();
        // half an interval out of step with the per-minute lines, which then show how far the last change got
        scheduler.scheduleAtFixedRate(() -> {
            if (changing && System.nanoTime() < end) {
                applyPolicy(policyVersion.get() + 1);
            }
        }, interval / 2, interval, TimeUnit.MILLISECONDS);
        if (options.restartsPerMinute() > 0) {
            long every = 60_000_000L / options.restartsPerMinute();
            scheduler.scheduleAtFixedRate(() -> {
                if (changing && System.nanoTime() < end) {
                    restartThreads.execute(this::restartOne);
                }
            }, every, every, TimeUnit.MICROSECONDS);
        }

        out.printf("%5s %8s %9s %7s %11s %9s %7s %6s %6s %9s %7s %10s %10s %7s%n", "min", "RSS MiB", "heap MiB",
                "policy", "converged", "cp-acked", "behind", "stuck", "lag s", "restarts", "online", "tel sent",
                "tel recv", "loss %");
        sample(start);
        long next = start;
        while (true) {
            next = Math.min(next + TimeUnit.MINUTES.toNanos(1), end);
            while (System.nanoTime() < next) {
                abortIfFailed();
                Thread.sleep(Math.min(1000, Math.max(1, (next - System.nanoTime()) / 1_000_000)));
            }
            sample(start);
            if (next >= end) {
                break;
            }
        }
        changing = false;
        restartThreads.shutdown();
        restartThreads.awaitTermination(2, TimeUnit.MINUTES);
        long soaked = System.nanoTime() - start;
        return finish(soaked);
    }

    /** Every few seconds: the agents' applied generations against the desired ones; is the control plane alive? */
    private void check() {
        try {
            if (!controlPlane.process().isAlive()) {
                aborted.compareAndSet(null, "the control plane exited:\n" + controlPlane.process().logTail(6000));
            }
            refreshFromControlPlane();
            tracker.update(fleet.appliedGenerations(), System.nanoTime());
        } catch (SQLException | RuntimeException e) {
            lastProblem.set("check: " + e);
        }
    }

    private void abortIfFailed() {
        String why = aborted.get();
        if (why != null) {
            throw new IllegalStateException(why);
        }
    }

    private void applyPolicy(int version) {
        try {
            controlPlane.applyPolicy(policy(version));
            policyVersion.set(version);
            if (version > 1) {
                policyChanges.incrementAndGet();
            }
        } catch (IOException e) {
            policyFailures.incrementAndGet();
            lastProblem.set("policy v" + version + ": " + e.getMessage());
            out.printf("applying policy version v%d failed: %s%n", version, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String policy(int version) {
        return """
                apiVersion: flotilla.io/v1alpha1
                kind: FleetPolicy
                metadata:
                  name: soak
                spec:
                  workload:
                    model: soak/model
                    image: registry.example/soak:v%d
                    resources: { gpu: 0, cpu: "100m", memory: 128Mi }
                  placement:
                    clusterSelector: { matchLabels: { simulated: "true" } }
                    jurisdictions: [%s]
                    minClusters: 1
                    maxClusters: %d
                  rollout:
                    waveSize: 100%%
                    maxUnavailable: 100%%
                """.formatted(version, String.join(", ", jurisdictions), options.clusters());
    }

    private void restartOne() {
        String cluster;
        synchronized (random) {
            cluster = clusterIds.get(random.nextInt(clusterIds.size()));
        }
        try {
            if (!fleet.restart(cluster)) {
                restartFailures.incrementAndGet();
            }
        } catch (IOException | RuntimeException e) {
            restartFailures.incrementAndGet();
            lastProblem.set("restarting " + cluster + ": " + e);
        }
    }

    /**
     * What the control plane wants on each cluster, as committed to its database (published or not), to the tracker;
     * answers how many clusters it has heard applied what it wants.
     */
    private int refreshFromControlPlane() throws SQLException {
        long now = System.nanoTime();
        int acknowledged = 0;
        for (ControlPlaneDatabase.ClusterState c : database.clusters()) {
            tracker.desired(c.id(), c.desiredGeneration(), now);
            if (c.acknowledged()) {
                acknowledged++;
            }
        }
        return acknowledged;
    }

    private void sample(long start) {
        long now = System.nanoTime();
        long elapsed = TimeUnit.NANOSECONDS.toSeconds(now - start);
        int acknowledged = -1;
        try {
            acknowledged = refreshFromControlPlane();
        } catch (SQLException e) {
            lastProblem.set("reading the clusters' generations: " + e.getMessage());
        }
        GenerationTracker.Snapshot s = tracker.update(fleet.appliedGenerations(), System.nanoTime());
        // sent first: reports still on their way when the control plane's counter is read show as loss this minute
        long sent = fleet.telemetryReportsSent();
        long received = -1;
        try {
            received = (long) SoakControlPlane.sum(controlPlane.metrics(), "flotilla_telemetry_reports_total", null);
        } catch (IOException e) {
            lastProblem.set("reading metrics: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        OptionalLong heap = controlPlane.heapAfterGc(jcmd, workDir);
        OptionalLong rss = controlPlane.rssKib();
        Sample sample = new Sample(Math.round(elapsed / 6.0) / 10.0, elapsed, rss.orElse(-1), heap.orElse(-1),
                policyVersion.get(), policyChanges.get(), fleet.restarts(), fleet.connected(), s.clusters(),
                s.converged(), acknowledged, s.behind(), s.stuck(), s.stuckGenerations(), s.oldestPending().toSeconds(),
                sent, received);
        samples.add(sample);
        out.printf(Locale.ROOT, "%5s %8s %9s %7s %11s %9d %7d %6d %6d %9d %7d %10d %10d %7.2f%n", minute(sample.minute()),
                mib(sample.rssKib() * 1024), mib(sample.heapBytes()), "v" + sample.policyVersion(),
                sample.converged() + "/" + sample.clusters(), sample.cpAcknowledged(), sample.behind(), sample.stuck(),
                sample.oldestPendingSeconds(), sample.restarts(), sample.connected(), sample.telemetrySent(),
                sample.telemetryReceived(), sample.lossPercent());
        if (csv != null) {
            csv.printf(Locale.ROOT, "%s,%d,%s,%s,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%.3f%n", minute(sample.minute()),
                    sample.elapsedSeconds(), mib(sample.rssKib() * 1024), mib(sample.heapBytes()),
                    sample.policyVersion(), sample.policyChanges(), sample.restarts(), sample.connected(),
                    sample.clusters(), sample.converged(), sample.cpAcknowledged(), sample.behind(), sample.stuck(),
                    sample.stuckGenerations(), sample.oldestPendingSeconds(), sample.telemetrySent(),
                    sample.telemetryReceived(), sample.lossPercent());
        }
    }

    /** After the last change: let the fleet converge, then count what was lost; stop the fleet; the summary. */
    private int finish(long soakedNanos) throws Exception {
        long t = System.nanoTime();
        long deadline = t + options.settle().toNanos();
        int acknowledged = -1;
        GenerationTracker.Snapshot s;
        while (true) {
            abortIfFailed();
            acknowledged = refreshFromControlPlane();
            s = tracker.update(fleet.appliedGenerations(), System.nanoTime());
            if (s.behind() == 0 && acknowledged == options.clusters() || System.nanoTime() > deadline) {
                break;
            }
            Thread.sleep(5000);
        }
        double settled = seconds(System.nanoTime() - t);
        TreeSet<String> lost = new TreeSet<>(tracker.behind());
        TreeSet<String> unheard = new TreeSet<>();
        database.clusters().stream().filter(c -> !c.acknowledged()).forEach(c -> unheard.add(c.id()));
        Map<String, Long> applied = fleet.appliedGenerations();
        Map<String, Long> desired = tracker.desired();

        // telemetry: stop the agents (each disconnects cleanly), then wait for the control plane to count the last
        long sent;
        fleet.close();
        sent = fleet.telemetryReportsSent();
        String metrics = controlPlane.metrics();
        double received = SoakControlPlane.sum(metrics, "flotilla_telemetry_reports_total", null);
        for (int i = 0; i < 15; i++) {
            Thread.sleep(2000);
            metrics = controlPlane.metrics();
            double now = SoakControlPlane.sum(metrics, "flotilla_telemetry_reports_total", null);
            if (now == received) {
                break;
            }
            received = now;
        }
        double dropped = SoakControlPlane.sum(metrics, "flotilla_telemetry_reports_dropped_total", null);
        double rejected = SoakControlPlane.sum(metrics, "flotilla_mqtt_rejected_total", "kind=\"telemetry\"");

        out.println();
        out.println("soak summary");
        out.printf("  duration            %s of changes and restarts, then %.0f s to settle%n",
                human(Duration.ofNanos(soakedNanos)), settled);
        out.printf("  clusters            %d (%d jurisdictions)%n", options.clusters(), jurisdictions.size());
        out.printf("  policy changes      %d (v2..v%d every %s after v1; %d failed)%n", policyChanges.get(),
                policyVersion.get(), human(options.policyInterval()), policyFailures.get());
        out.printf("  agent restarts      %d (%d refused or failed)%n", fleet.restarts(), restartFailures.get());
        memorySummary();
        long stuckGenerations = s.stuckGenerations();
        out.printf("  stuck generations   %d (not applied within %s)%n", stuckGenerations, human(options.stuckAfter()));
        out.printf("  lost generations    %d cluster(s) had not applied their newest generation %.0f s after the last "
                + "change%s%n", lost.size(), settled, examples(lost, desired, applied));
        out.printf("  unacknowledged      %d cluster(s) whose applied generation the control plane had not heard%s%n",
                unheard.size(), unheard.isEmpty() ? "" : " (e.g. " + String.join(", ", unheard.stream().limit(5).toList())
                        + ")");
        out.printf("  desired state       %d messages seen on the clusters' desired topics%s%n", observer.received(),
                observer.unreadable() == 0 ? "" : "; " + observer.unreadable() + " unreadable, the last: "
                        + observer.lastProblem());
        out.printf(Locale.ROOT, "  telemetry           sent %d reports, the control plane counted %.0f: loss %.3f%% "
                + "(its inbox dropped %.0f, it rejected %.0f)%n", sent, received,
                sent == 0 ? 0 : 100.0 * Math.max(0, sent - received) / sent, dropped, rejected);
        if (!lastProblem.get().isEmpty()) {
            out.printf("  last problem        %s%n", lastProblem.get());
        }
        boolean failed = stuckGenerations > 0 || !lost.isEmpty() || !unheard.isEmpty();
        out.printf("  result              %s%n", failed
                ? "FAIL: generations were stuck or lost (logs in " + workDir + ")" : "PASS: no generation stuck or lost");
        if (csv != null) {
            out.printf("  per-minute CSV      %s%n", options.csv().get().toAbsolutePath());
        }
        return failed ? 1 : 0;
    }

    private void memorySummary() {
        if (samples.isEmpty()) {
            return;
        }
        Sample last = samples.getLast();
        // the reference is minute 5, when warm-up is over; a shorter run compares with its last whole minute before
        Sample reference = samples.stream().filter(x -> x.minute() >= 5).findFirst()
                .orElse(samples.stream().filter(x -> x.minute() >= 1).findFirst().orElse(samples.getFirst()));
        long maxRss = samples.stream().mapToLong(Sample::rssKib).max().orElse(-1);
        long maxHeap = samples.stream().mapToLong(Sample::heapBytes).max().orElse(-1);
        out.printf(Locale.ROOT, "  control-plane RSS   minute %s: %s MiB, end: %s MiB (%s), max: %s MiB%n",
                minute(reference.minute()), mib(reference.rssKib() * 1024), mib(last.rssKib() * 1024),
                growth(reference.rssKib() * 1024, last.rssKib() * 1024), mib(maxRss * 1024));
        out.printf(Locale.ROOT, "  heap after GC       minute %s: %s MiB, end: %s MiB (%s), max: %s MiB%s%n",
                minute(reference.minute()), mib(reference.heapBytes()), mib(last.heapBytes()),
                growth(reference.heapBytes(), last.heapBytes()), mib(maxHeap), trend(reference));
        if (reference.minute() < 5) {
            out.println("                      (the run was shorter than 5 minutes: compared with minute "
                    + minute(reference.minute()) + ")");
        }
    }

    /** The least-squares slope of heap after GC from the reference minute on, per 10 minutes, from 5 samples. */
    private String trend(Sample reference) {
        List<Sample> after = samples.stream().filter(x -> x.minute() >= reference.minute() && x.heapBytes() >= 0).toList();
        if (after.size() < 5) {
            return "";
        }
        double mx = after.stream().mapToDouble(Sample::minute).average().orElse(0);
        double my = after.stream().mapToDouble(x -> x.heapBytes() / MIB).average().orElse(0);
        double num = 0;
        double den = 0;
        for (Sample x : after) {
            num += (x.minute() - mx) * (x.heapBytes() / MIB - my);
            den += (x.minute() - mx) * (x.minute() - mx);
        }
        return den == 0 ? "" : String.format(Locale.ROOT, "; trend from minute %s: %+.1f MiB per 10 min",
                minute(reference.minute()), 10 * num / den);
    }

    private static String growth(long from, long to) {
        if (from <= 0 || to < 0) {
            return "growth n/a";
        }
        return String.format(Locale.ROOT, "%+.1f MiB, %+.1f%%", (to - from) / MIB, 100.0 * (to - from) / from);
    }

    private static String examples(TreeSet<String> lost, Map<String, Long> desired, Map<String, Long> applied) {
        if (lost.isEmpty()) {
            return "";
        }
        List<String> shown = lost.stream().limit(5)
                .map(id -> id + " wants " + desired.get(id) + ", applied " + applied.get(id)).toList();
        return " (" + String.join("; ", shown) + (lost.size() > 5 ? "; ..." : "") + ")";
    }

    private static String mib(long bytes) {
        return bytes < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f", bytes / MIB);
    }

    private static String minute(double minute) {
        return minute == Math.rint(minute) ? String.valueOf((long) minute) : String.format(Locale.ROOT, "%.1f", minute);
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static String human(Duration d) {
        long s = Math.round(d.toMillis() / 1000.0);
        if (s >= 60 && s % 60 == 0) {
            return s / 60 + "m";
        }
        if (s >= 60) {
            return s / 60 + "m" + s % 60 + "s";
        }
        return d.toMillis() < 1000 ? d.toMillis() + "ms" : s + "s";
    }

    interface Condition {
        boolean met() throws Exception;
    }

    private void waitFor(String what, Duration timeout, Duration poll, Condition condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.met()) {
            if (!controlPlane.process().isAlive()) {
                throw new IllegalStateException("the control plane exited while waiting for " + what + ":\n"
                        + controlPlane.process().logTail(6000));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + human(timeout) + " waiting for " + what
                        + " (fleet: " + fleet.connected() + " connected; see fleet.log and control-plane.log in "
                        + workDir + ")");
            }
            Thread.sleep(poll.toMillis());
        }
    }

    /** Everything the fleet's agents, Paho and fabric8 log goes to fleet.log, warnings and worse only. */
    private static void routeLoggingTo(PrintStream log) {
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        StreamHandler handler = new StreamHandler(log, new SimpleFormatter()) {
            @Override
            public synchronized void publish(LogRecord record) {
                super.publish(record);
                flush();
            }
        };
        handler.setLevel(Level.ALL);
        root.addHandler(handler);
        for (String name : List.of("io.flotilla.agent", "org.eclipse.paho", "io.fabric8", "io.vertx", "io.netty")) {
            Logger logger = Logger.getLogger(name);
            logger.setLevel(Level.WARNING);
            QUIETED.add(logger);
        }
    }

    /** Stops everything the soak started, newest first; safe to call more than once. */
    @Override
    public synchronized void close() {
        changing = false;
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        if (restartThreads != null) {
            restartThreads.shutdownNow();
        }
        if (observer != null) {
            observer.close();
            observer = null;
        }
        if (fleet != null) {
            fleet.close();
        }
        if (database != null) {
            database.close();
        }
        if (controlPlane != null) {
            controlPlane.close();
        }
        if (broker != null) {
            broker.close();
        }
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException e) {
                out.println("stopping PostgreSQL: " + e.getMessage());
            }
            postgres = null;
        }
        if (csv != null) {
            csv.close();
        }
        fleetLog.flush();
    }

    /** A temporary work folder goes after a passing run; after a failure it stays, with the logs. */
    private void cleanUp(int status) {
        if (temporaryWorkDir && status == 0) {
            try (Stream<Path> files = Files.walk(workDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a temporary folder: best effort
            }
        } else if (temporaryWorkDir) {
            System.out.println("logs kept in " + workDir);
        }
    }
}
