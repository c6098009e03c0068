package io.flotilla.placement.routing;

/**
 * A cluster the request may go to.
 *
 * @param estimatedLatencyMs network round trip plus load penalty plus live load: what candidates are ranked by
 * @param networkLatencyMs measured round trip from the client's site, or the distance estimate
 * @param loadPenaltyMs the penalty for the load in the fleet snapshot (telemetry)
 * @param measured whether {@code networkLatencyMs} was measured rather than estimated
 * @param liveLoadMs the queueing and KV-cache estimate from the live load ({@link LoadScore}); 0 when none is known
 * @param waiting requests waiting at the model server, or -1 when no live load is known
 */
public record RouteCandidate(
        String clusterId,
        String jurisdiction,
        double estimatedLatencyMs,
        double networkLatencyMs,
        double loadPenaltyMs,
        boolean measured,
        String endpoint,
        String policyName,
        double liveLoadMs,
        double waiting) {

    /** A candidate without live load. */
    public RouteCandidate(String clusterId, String jurisdiction, double estimatedLatencyMs, double networkLatencyMs,
            double loadPenaltyMs, boolean measured, String endpoint, String policyName) {
        this(clusterId, jurisdiction, estimatedLatencyMs, networkLatencyMs, loadPenaltyMs, measured, endpoint, policyName, 0, -1);
    }
}
