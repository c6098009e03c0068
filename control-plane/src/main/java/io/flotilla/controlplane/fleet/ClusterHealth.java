package io.flotilla.controlplane.fleet;

import java.util.List;
import java.util.Set;

/** A cluster's health as shown to people: from presence, the heartbeat and what its agent reports. */
public enum ClusterHealth {
    /** Online, applying its desired state without errors, no workload degraded. */
    READY,
    /** Online, but its last apply failed or a workload is degraded. */
    DEGRADED,
    /** Its will message arrived or it stayed silent beyond the heartbeat timeout. */
    OFFLINE,
    /** Never heard from. */
    UNKNOWN;

    public static ClusterHealth of(Cluster c, List<WorkloadStatusRecord> reported) {
        if (c.lastReportAt() == null) {
            return UNKNOWN;
        }
        if (!c.online) {
            return OFFLINE;
        }
        boolean degraded = c.applyError != null || reported.stream().anyMatch(r -> "Degraded".equals(r.condition));
        return degraded ? DEGRADED : READY;
    }

    /** Applied the desired generation, and every desired workload reports Available. */
    public static boolean converged(Cluster c, Set<String> desired, List<WorkloadStatusRecord> reported) {
        if (c.appliedGeneration < c.desiredGeneration) {
            return false;
        }
        long available = reported.stream().filter(r -> desired.contains(r.key.name()) && "Available".equals(r.condition)).count();
        return available == desired.size();
    }
}
