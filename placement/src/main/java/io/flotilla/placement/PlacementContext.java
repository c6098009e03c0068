package io.flotilla.placement;

import io.flotilla.policy.AllowedJurisdictions;
import io.flotilla.policy.FleetPolicy;
import io.flotilla.policy.Sites;
import java.util.List;
import java.util.Optional;

/**
 * What plugins may look at while one policy is placed: the snapshot (and its {@link SnapshotIndex}), the policy,
 * its jurisdictions, the capacity still free, the previous decision, and (for selection-dependent scores) the
 * clusters chosen so far. Prepared plugins ask by cluster index, the plain ones by cluster.
 */
public final class PlacementContext {

    private final FleetSnapshot snapshot;
    private final FleetPolicy policy;
    private final AllowedJurisdictions allowed;
    private final Sites sites;
    private final CapacityLedger ledger;
    private final Optional<PlacementDecision> previous;
    private final SnapshotIndex index;
    private PreviousChoice previousChoice;
    /** Prepared filters test the clusters they are asked about rather than cache masks: only a few are asked. */
    private final boolean perCluster;
    private List<ClusterState> chosen = List.of();

    /** @param snapshot the ledger's */
    PlacementContext(FleetSnapshot snapshot, FleetPolicy policy, AllowedJurisdictions allowed, Sites sites,
            CapacityLedger ledger, Optional<PlacementDecision> previous) {
        this(policy, allowed, sites, ledger, previous, null, false);
        if (snapshot != ledger.index.snapshot) {
            throw new IllegalArgumentException("the ledger is over another snapshot");
        }
    }

    PlacementContext(FleetPolicy policy, AllowedJurisdictions allowed, Sites sites, CapacityLedger ledger,
            Optional<PlacementDecision> previous, PreviousChoice previousChoice, boolean perCluster) {
        this.index = ledger.index;
        this.snapshot = index.snapshot;
        this.policy = policy;
        this.allowed = allowed;
        this.sites = sites;
        this.ledger = ledger;
        this.previous = previous;
        this.previousChoice = previousChoice;
        this.perCluster = perCluster;
    }

    public FleetSnapshot snapshot() {
        return snapshot;
    }

    /** Per-snapshot columns and cached masks; cluster indices are positions in {@link FleetSnapshot#clusters()}. */
    public SnapshotIndex index() {
        return index;
    }

    /** The cluster at a snapshot index. */
    public ClusterState cluster(int at) {
        return index.clusters.get(at);
    }

    public FleetPolicy policy() {
        return policy;
    }

    public AllowedJurisdictions allowedJurisdictions() {
        return allowed;
    }

    public Sites sites() {
        return sites;
    }

    /** This policy's previous decision, if it was placed before. */
    public Optional<PlacementDecision> previous() {
        return previous;
    }

    /** Clusters already chosen for this policy in this run, best first. */
    public List<ClusterState> chosenSoFar() {
        return chosen;
    }

    CapacityLedger ledger() {
        return ledger;
    }

    boolean perCluster() {
        return perCluster;
    }

    PreviousChoice previousChoice() {
        if (previousChoice == null) {
            previousChoice = PreviousChoice.of(previous, index);
        }
        return previousChoice;
    }

    /** The same policy reading capacity from {@code ledger} (and its snapshot), nothing chosen yet. */
    PlacementContext with(CapacityLedger ledger, boolean perCluster) {
        return new PlacementContext(policy, allowed, sites, ledger, previous, previousChoice(), perCluster);
    }

    void setChosen(List<ClusterState> chosen) {
        this.chosen = List.copyOf(chosen);
    }

    /** What this policy held on the cluster before; it may use that again. */
    public Reservation previousReservation(String clusterId) {
        return previous.flatMap(d -> d.assignment(clusterId)).map(ClusterAssignment::reservation).orElse(Reservation.NONE);
    }

    /** {@link #previousReservation(String)} by cluster index. */
    public Reservation previousReservation(int cluster) {
        return previousChoice().credit(cluster);
    }

    /** Whether the previous decision chose the cluster. */
    public boolean previouslyChosen(int cluster) {
        return previousChoice().has(cluster);
    }

    public int freeGpus(ClusterState cluster, GpuPool pool) {
        return ledger.freeGpus(cluster.id(), pool, previousReservation(cluster.id()));
    }

    public long freeCpuMillicores(ClusterState cluster) {
        return ledger.freeCpu(cluster.id(), previousReservation(cluster.id()));
    }

    public long freeMemoryBytes(ClusterState cluster) {
        return ledger.freeMemory(cluster.id(), previousReservation(cluster.id()));
    }

    /** Free GPUs in one of the cluster's pool slots ({@link SnapshotIndex#gpuSlotModels}), with this policy's credit. */
    public int freeGpus(int cluster, int slot) {
        Reservation credit = previousChoice().credit(cluster);
        int free = ledger.free(cluster).gpus[slot];
        return credit.gpus() > 0 && credit.gpuModel().equals(index.slotModel[cluster][slot])
                && credit.gpuMemoryGiB() == index.slotMemory[cluster][slot] ? free + credit.gpus() : free;
    }

    /** {@link #freeCpuMillicores(ClusterState)} by cluster index. */
    public long freeCpuMillicores(int cluster) {
        return ledger.free(cluster).cpu + previousChoice().credit(cluster).cpuMillicores();
    }

    /** {@link #freeMemoryBytes(ClusterState)} by cluster index. */
    public long freeMemoryBytes(int cluster) {
        return ledger.free(cluster).memory + previousChoice().credit(cluster).memoryBytes();
    }
}
