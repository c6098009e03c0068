package io.flotilla.controlplane.routing;

import io.flotilla.proto.receipt.ReceiptClaims;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Every answered request, counted for the routing audit by the jurisdictions it could reach and the cluster that
 * served it: complete, whatever share of the receipts themselves is recorded. Counting is one map lookup and one
 * {@link LongAdder} increment on the request's event loop; the {@link ReceiptRecorder} takes the counts about once a
 * second and adds them to the database.
 */
final class AuditCounts {

    /**
     * @param allowed the request's allowed jurisdictions, comma-separated, as its receipt gives them
     * @param jurisdiction the serving cluster's jurisdiction; "" when it has none
     */
    record Group(String allowed, String cluster, String jurisdiction) {
    }

    private final ConcurrentHashMap<Group, LongAdder> counts = new ConcurrentHashMap<>();

    void count(ReceiptClaims claims) {
        Group group = new Group(String.join(",", claims.allowed()), claims.cluster(),
                claims.clusterJurisdiction() == null ? "" : claims.clusterJurisdiction());
        LongAdder n = counts.get(group);
        if (n == null) {
            n = counts.computeIfAbsent(group, g -> new LongAdder());
        }
        n.increment();
    }

    /** The counts since the last call, by group; groups that counted nothing meanwhile are left out. */
    Map<Group, Long> take() {
        Map<Group, Long> taken = new HashMap<>();
        counts.forEach((group, n) -> {
            long sum = n.sumThenReset();
            if (sum > 0) {
                taken.put(group, sum);
            }
        });
        return taken;
    }

    /** Gives counts that could not be written back, to be written with the next ones. */
    void restore(Map<Group, Long> unwritten) {
        unwritten.forEach((group, n) -> counts.computeIfAbsent(group, g -> new LongAdder()).add(n));
    }

    /** Requests counted and not yet taken. */
    long pending() {
        return counts.values().stream().mapToLong(LongAdder::sum).sum();
    }
}
