package io.flotilla.placement.routing;

/**
 * A model server's live signals, as its agent last reported them (every couple of seconds, apart from the
 * fleet snapshot the {@link Router} is built from).
 *
 * @param waiting requests queued, not yet in a batch
 * @param running requests in the running batch
 * @param cacheUse KV-cache use, 0..1; 0 when the runtime has no such gauge (TGI)
 */
public record LiveLoad(double waiting, double running, double cacheUse) {
}
