package io.flotilla.controlplane.fleet;

/**
 * Fired inside the transaction that changed the fleet; observers react after it commits. Placement
 * re-runs on {@link Kind#REGISTERED} and {@link Kind#ELIGIBILITY}; routing re-reads endpoints on all.
 */
public record FleetChanged(String clusterId, Kind kind) {

    public enum Kind {
        /** A cluster joined the fleet. */
        REGISTERED,
        /** A cluster came online or went offline. */
        CONNECTIVITY,
        /**
         * Placement's view of the cluster changed: it reported for the first time, stayed offline beyond the
         * grace period, or came back after that. Going offline briefly does not fire this: no flapping.
         */
        ELIGIBILITY,
        /** A cluster's reported workloads (conditions, endpoints) changed. */
        WORKLOAD_STATUS
    }
}
