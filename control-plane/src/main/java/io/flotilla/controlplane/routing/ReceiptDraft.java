package io.flotilla.controlplane.routing;

import io.flotilla.controlplane.routing.RouteService.PolicyFacts;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.UUID;

/**
 * What a routing receipt says of a request before a cluster has answered it: everything but the serving cluster, its
 * policy and jurisdiction, which {@link ReceiptIssuer#issue} adds once a cluster answered (after any failover).
 *
 * @param tenant null for keyless loopback use
 * @param allowed the jurisdictions the request is bound to, as given; null: the serving policy's own
 * @param policies the policies of the route decision's snapshot, by name
 */
public record ReceiptDraft(String requestId, String tenant, String model, List<String> allowed, String bodySha256,
        Map<String, PolicyFacts> policies) {

    /**
     * A new request id: a random (version 4) UUID from the thread's own generator, which, unlike
     * {@link UUID#randomUUID()}, shares no lock between event loops. Ids must be unique, not unguessable.
     */
    public static String newRequestId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long high = r.nextLong() & ~0xF000L | 0x4000L;
        long low = r.nextLong() & ~(0xC000_0000_0000_0000L) | 0x8000_0000_0000_0000L;
        return new UUID(high, low).toString();
    }
}
