package io.flotilla.controlplane.routing;

import io.flotilla.controlplane.fleet.FleetChanged;
import io.flotilla.controlplane.policy.PoliciesChanged;
import io.flotilla.controlplane.policy.PolicyService;
import io.flotilla.placement.routing.AffinitySlack;
import io.flotilla.placement.routing.AffinityTable;
import io.flotilla.placement.routing.RouteDecision;
import io.flotilla.placement.routing.RouteQuery;
import io.flotilla.placement.routing.Router;
import io.flotilla.policy.JurisdictionCatalog;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Singleton;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Route decisions on the request path. The {@link Router} is built once per fleet or policy change and
 * reused until the next one: a change only bumps a version, and the first query after it rebuilds, so a
 * burst of agent reports costs one rebuild. Live load ({@link LiveLoadTable}) and session affinity are applied per
 * query on top of it, to the nearest candidates only, and never cause a rebuild.
 */
@Singleton
public class RouteService {

    /**
     * One fleet view: the router over it, the aliases the current policies declare, and what receipts say of each
     * policy, by name.
     */
    public record Snapshot(long version, Router router, SortedSet<String> aliases, Map<String, PolicyFacts> policies) {
    }

    /**
     * What a routing receipt names of the policy that served a request.
     *
     * @param jurisdictions the policy's own jurisdictions, as written: a request bound to no narrower ones may reach them
     */
    public record PolicyFacts(long revision, List<String> jurisdictions) {
    }

    private final PolicyService policies;
    private final JurisdictionCatalog jurisdictions;
    private final LiveLoadTable live;
    private final AffinityTable affinity;
    private final AffinitySlack affinitySlack;
    private final AtomicLong version = new AtomicLong();
    private volatile Snapshot built;

    RouteService(PolicyService policies, JurisdictionCatalog jurisdictions, LiveLoadTable live, RouterConfig config) {
        this.policies = policies;
        this.jurisdictions = jurisdictions;
        this.live = live;
        this.affinity = config.affinity().enabled() ? new AffinityTable(config.affinity().slots()) : null;
        this.affinitySlack = new AffinitySlack(config.affinity().slack(), config.affinity().slackMs());
    }

    /** The ranking a request without a session would get now, live load included (the route API's answer). */
    public RouteDecision route(RouteQuery query) {
        return snapshot().router().route(query, live, null, affinitySlack);
    }

    /**
     * The ranking of one request over {@code snapshot}, with live load, and with affinity when it has a key: the
     * cluster that served the key last is preferred, and the first candidate is remembered as serving it now.
     * Live load is read here, at query time: its reports never rebuild the snapshot.
     */
    RouteDecision route(Snapshot snapshot, RouteQuery query, long affinityKey) {
        boolean affine = affinity != null && affinityKey != AffinityKey.NONE;
        String preferred = affine ? affinity.preferred(query.alias(), affinityKey) : null;
        RouteDecision decision = snapshot.router().route(query, live, preferred, affinitySlack);
        if (affine && !decision.candidates().isEmpty()) {
            affinity.served(query.alias(), affinityKey, decision.candidates().get(0).clusterId());
        }
        return decision;
    }

    /**
     * The current snapshot, or null when a change since the last build makes a rebuild (a database read)
     * necessary: callers on an event loop then call {@link #snapshot()} on a worker.
     */
    public Snapshot freshSnapshot() {
        Snapshot b = built;
        return b != null && b.version() == version.get() ? b : null;
    }

    void onFleetChanged(@Observes(during = TransactionPhase.AFTER_SUCCESS) FleetChanged change) {
        version.incrementAndGet();
    }

    void onPoliciesChanged(@Observes(during = TransactionPhase.AFTER_SUCCESS) PoliciesChanged change) {
        version.incrementAndGet();
    }

    /** The current snapshot, rebuilt first if the fleet or the policies changed since: may block. */
    public Snapshot snapshot() {
        Snapshot b = freshSnapshot();
        if (b != null) {
            return b;
        }
        synchronized (this) {
            b = built;
            // read the version before the data: a change committed meanwhile leaves the result stale, not lost
            long v = version.get();
            if (b != null && b.version() == v) {
                return b;
            }
            PolicyService.RoutingInputs inputs = policies.routingInputs();
            Router router = Router.build(inputs.snapshot(), inputs.policies(), jurisdictions);
            var aliases = new TreeSet<String>();
            var facts = new HashMap<String, PolicyFacts>();
            inputs.policies().forEach(p -> {
                aliases.add(p.spec().routing().alias());
                facts.put(p.name(), new PolicyFacts(inputs.revisions().getOrDefault(p.name(), 0L),
                        List.copyOf(p.spec().placement().jurisdictions())));
            });
            b = new Snapshot(v, router, Collections.unmodifiableSortedSet(aliases), Map.copyOf(facts));
            built = b;
            return b;
        }
    }
}
