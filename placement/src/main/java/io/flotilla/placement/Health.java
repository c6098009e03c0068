package io.flotilla.placement;

/** A cluster's health as the control plane last saw it. */
public enum Health {
    /** Connected and reporting: may receive new workloads and requests. */
    READY,
    /** Connected but impaired: keeps serving requests (at a latency penalty), receives no new placements. */
    DEGRADED,
    /** Disconnected. */
    OFFLINE,
    /** Not heard from recently enough to tell. */
    UNKNOWN
}
