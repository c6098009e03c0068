package io.flotilla.controlplane.routing;

import io.flotilla.controlplane.fleet.FleetChanged;
import io.flotilla.controlplane.policy.PoliciesChanged;
import io.flotilla.controlplane.policy.PolicyService;
import io.flotilla.placement.RouteDecision;
import io.flotilla.placement.RouteQuery;
import io.flotilla.placement.Router;
import io.flotilla.policy.JurisdictionCatalog;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Route decisions on the request path. The {@link Router} is built once per fleet or policy change and
 * reused until the next one: a change only bumps a version, and the first query after it rebuilds, so a
 * burst of agent reports costs one rebuild.
 */
@ApplicationScoped
public class RouteService {

    private record Built(long version, Router router) {
    }

    private final PolicyService policies;
    private final JurisdictionCatalog jurisdictions;
    private final AtomicLong version = new AtomicLong();
    private volatile Built built;

    RouteService(PolicyService policies, JurisdictionCatalog jurisdictions) {
        this.policies = policies;
        this.jurisdictions = jurisdictions;
    }

    public RouteDecision route(RouteQuery query) {
        return router().route(query);
    }

    void onFleetChanged(@Observes(during = TransactionPhase.AFTER_SUCCESS) FleetChanged change) {
        version.incrementAndGet();
    }

    void onPoliciesChanged(@Observes(during = TransactionPhase.AFTER_SUCCESS) PoliciesChanged change) {
        version.incrementAndGet();
    }

    private Router router() {
        Built b = built;
        if (b != null && b.version() == version.get()) {
            return b.router();
        }
        synchronized (this) {
            b = built;
            // read the version before the data: a change committed meanwhile leaves the result stale, not lost
            long v = version.get();
            if (b != null && b.version() == v) {
                return b.router();
            }
            PolicyService.RoutingInputs inputs = policies.routingInputs();
            Router router = Router.build(inputs.snapshot(), inputs.policies(), jurisdictions);
            built = new Built(v, router);
            return router;
        }
    }
}
