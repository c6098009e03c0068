package io.flotilla.controlplane.fleet;

/**
 * How much of the fleet is offline at once, and whether that is a mass outage: more than {@code threshold} of the
 * clusters that have ever reported, in a fleet of at least {@code minClusters} of them. When most of the fleet
 * falls silent together, the likelier cause is on the control plane's side (its network, the broker, a region's
 * uplink) than in every cluster, and moving their workloads would pile them onto the few clusters left, so
 * placement holds still (the Kubernetes node lifecycle controller treats a fully disrupted zone the same way).
 *
 * @param reporting clusters that have reported at least once: the fleet the share is taken of
 * @param offline those of them offline now (within or beyond the grace period)
 */
public record MassOffline(int reporting, int offline, double threshold, int minClusters) {

    public MassOffline {
        if (threshold < 0 || threshold > 1) {
            throw new IllegalArgumentException("mass-offline threshold must lie in [0, 1], got " + threshold);
        }
        if (offline < 0 || offline > reporting) {
            throw new IllegalArgumentException(offline + " of " + reporting + " clusters offline");
        }
    }

    public double offlineShare() {
        return reporting == 0 ? 0 : (double) offline / reporting;
    }

    /**
     * Whether placement must not give offline clusters up. A fleet below {@code minClusters} is never protected:
     * with one or two clusters a single outage is already half the fleet, and holding workloads on a lone dead
     * cluster would keep them from the one that is left.
     */
    public boolean holds() {
        return reporting >= minClusters && offlineShare() > threshold;
    }

    /**
     * How many offline clusters must come back for the protection to end; 0 when it does not hold. The protection
     * ends once at most {@code floor(threshold × reporting)} are offline.
     */
    public int toComeBack() {
        return holds() ? offline - (int) Math.floor(threshold * reporting) : 0;
    }
}
