package io.flotilla.placement.routing;

/**
 * A cluster the request may go to.
 *
 * @param estimatedLatencyMs network round trip plus load penalty: what candidates are ranked by
 * @param networkLatencyMs measured round trip from the client's site, or the distance estimate
 * @param measured whether {@code networkLatencyMs} was measured rather than estimated
 */
public record RouteCandidate(
        String clusterId,
        String jurisdiction,
        double estimatedLatencyMs,
        double networkLatencyMs,
        double loadPenaltyMs,
        boolean measured,
        String endpoint,
        String policyName) {
}
