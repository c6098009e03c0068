package io.flotilla.controlplane.policy;

import io.flotilla.controlplane.fleet.FleetSnapshots;
import io.flotilla.controlplane.fleet.PlacementConfig;
import io.flotilla.placement.ClusterState;
import io.flotilla.placement.FilterPlugin;
import io.flotilla.placement.FleetSnapshot;
import io.flotilla.placement.NetworkLatency;
import io.flotilla.placement.PlacementEngine;
import io.flotilla.placement.PlacementPlugins;
import io.flotilla.placement.PlacementResult;
import io.flotilla.policy.FleetPolicy;
import io.flotilla.policy.JurisdictionCatalog;
import io.flotilla.policy.Sites;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The control plane's one placement engine, kept for its life and fed the fleet as it changes. A cluster whose
 * state is the same as at the last run is handed over as the same object, which is how the engine tells what
 * changed: after one cluster's health or load changed it re-places from its last run (only the policies that
 * cluster can affect) instead of placing every policy from scratch. Load that moved by less than
 * {@link PlacementConfig#loadHysteresisMs()} counts as unchanged. Results are those of a new engine given the
 * same fleet ({@code LongLivedEngineTest}); only the time differs.
 *
 * <p>The engine's filters include the directly given workloads; when those change, a new engine starts.
 */
@ApplicationScoped
public class LivePlacement {

    private final JurisdictionCatalog jurisdictions;
    private final Sites sites;
    private final double hysteresisMs;
    private final Timer fullRuns;
    private final Timer incrementalRuns;

    private final PlacementPlugins plugins;
    private PlacementEngine engine;
    private Set<String> direct;
    private Map<String, ClusterState> seen = Map.of();

    LivePlacement(JurisdictionCatalog jurisdictions, Sites sites, PlacementConfig config, MeterRegistry metrics) {
        this.jurisdictions = jurisdictions;
        this.sites = sites;
        this.hysteresisMs = config.loadHysteresisMs();
        this.plugins = PlacementPlugins.standard(config.scoreWeights());
        this.fullRuns = timer(metrics, "full");
        this.incrementalRuns = timer(metrics, "incremental");
    }

    private static Timer timer(MeterRegistry metrics, String mode) {
        return Timer.builder("flotilla.placement.engine")
                .description("Time the placement engine takes for all policies; incremental: re-placed from its last run")
                .tag("mode", mode).publishPercentiles(0.5, 0.99).register(metrics);
    }

    /**
     * Places {@code policies} on the inventory's fleet.
     *
     * @param previous the decisions in force, for steadiness and each policy's own capacity
     */
    public synchronized PlacementResult place(FleetSnapshots.Inventory inventory, List<FleetPolicy> policies, PlacementResult previous) {
        if (engine == null || !inventory.direct().equals(direct)) {
            var filters = new ArrayList<FilterPlugin>(plugins.filters());
            filters.add(new DirectWorkloadFilter(inventory.direct()));
            engine = new PlacementEngine(jurisdictions, sites, new PlacementPlugins(filters, plugins.scores(), plugins.weights()));
            direct = inventory.direct();
            seen = Map.of();
        }
        FleetSnapshot fleet = carriedOver(inventory.snapshot());
        long start = System.nanoTime();
        PlacementResult result = engine.place(fleet, policies, previous);
        long elapsed = System.nanoTime() - start;
        (engine.lastRunStats().incremental() ? incrementalRuns : fullRuns).record(elapsed, java.util.concurrent.TimeUnit.NANOSECONDS);
        var now = new HashMap<String, ClusterState>(fleet.clusters().size() * 2);
        fleet.clusters().forEach(c -> now.put(c.id(), c));
        seen = now;
        return result;
    }

    /** How the last run went: whether it started from the run before, and how much it placed again. */
    public synchronized PlacementEngine.RunStats lastRunStats() {
        return engine == null ? null : engine.lastRunStats();
    }

    /** The snapshot with every cluster that did not change (load within the hysteresis) as the object seen last time. */
    private FleetSnapshot carriedOver(FleetSnapshot snapshot) {
        var clusters = new ArrayList<ClusterState>(snapshot.clusters().size());
        for (ClusterState now : snapshot.clusters()) {
            ClusterState before = seen.get(now.id());
            clusters.add(before != null && sameButForSmallLoadChange(before, now) ? before : now);
        }
        return new FleetSnapshot(snapshot.takenAt(), clusters);
    }

    private boolean sameButForSmallLoadChange(ClusterState a, ClusterState b) {
        if (a.equals(b)) {
            return true;
        }
        double moved = Math.abs(NetworkLatency.loadPenaltyMs(a.load(), a.health()) - NetworkLatency.loadPenaltyMs(b.load(), b.health()));
        if (moved != 0 && moved >= hysteresisMs) {
            return false;
        }
        return a.equals(new ClusterState(b.id(), b.labels(), b.jurisdiction(), b.location(), b.health(), b.taints(), b.gpus(),
                b.cpuMillicores(), b.cpuMillicoresFree(), b.memoryBytes(), b.memoryBytesFree(), a.load(), b.rttMsBySite(), b.serving()));
    }
}
