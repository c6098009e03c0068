package io.flotilla.controlplane.fleet;

/**
 * Fired inside the transaction that changed the fleet; observers react after it commits. Placement
 * re-runs on {@link Kind#REGISTERED} and {@link Kind#CONNECTIVITY}; routing re-reads endpoints on all.
 */
public record FleetChanged(String clusterId, Kind kind) {

    public enum Kind {
        /** A cluster joined the fleet. */
        REGISTERED,
        /** A cluster came online or went offline. */
        CONNECTIVITY,
        /** A cluster's reported workloads (conditions, endpoints) changed. */
        WORKLOAD_STATUS
    }
}
