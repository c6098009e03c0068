package io.flotilla.placement;

import io.flotilla.policy.AllowedJurisdictions;
import io.flotilla.policy.FleetPolicy;
import io.flotilla.policy.Sites;
import java.util.List;
import java.util.Optional;

/**
 * What plugins may look at while one policy is placed: the snapshot, the policy, its jurisdictions, the
 * capacity still free, the previous decision, and (for selection-dependent scores) the clusters chosen so far.
 */
public final class PlacementContext {

    private final FleetSnapshot snapshot;
    private final FleetPolicy policy;
    private final AllowedJurisdictions allowed;
    private final Sites sites;
    private final CapacityLedger ledger;
    private final Optional<PlacementDecision> previous;
    private List<ClusterState> chosen = List.of();

    PlacementContext(FleetSnapshot snapshot, FleetPolicy policy, AllowedJurisdictions allowed, Sites sites,
            CapacityLedger ledger, Optional<PlacementDecision> previous) {
        this.snapshot = snapshot;
        this.policy = policy;
        this.allowed = allowed;
        this.sites = sites;
        this.ledger = ledger;
        this.previous = previous;
    }

    public FleetSnapshot snapshot() {
        return snapshot;
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

    /** The same policy over {@code snapshot}, reading capacity from {@code ledger}, nothing chosen yet. */
    PlacementContext with(FleetSnapshot snapshot, CapacityLedger ledger) {
        return new PlacementContext(snapshot, policy, allowed, sites, ledger, previous);
    }

    void setChosen(List<ClusterState> chosen) {
        this.chosen = List.copyOf(chosen);
    }

    /** What this policy held on the cluster before; it may use that again. */
    public Reservation previousReservation(String clusterId) {
        return previous.flatMap(d -> d.assignment(clusterId)).map(ClusterAssignment::reservation).orElse(Reservation.NONE);
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
}
