package io.flotilla.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.placement.ClusterState;
import io.flotilla.placement.Health;
import io.flotilla.placement.NetworkLatency;
import io.flotilla.placement.ServedWorkload;
import io.flotilla.placement.routing.RouteCandidate;
import io.flotilla.placement.routing.RouteQuery;
import io.flotilla.placement.routing.Router;
import io.flotilla.policy.FleetPolicy;
import io.flotilla.policy.GeoPoint;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The router's spatial index must give exactly what a scan of every cluster gives, on the benchmark fleet. */
class RouterMatchesLinearScanTest {

    @Test
    void sameCandidatesAsALinearScan() {
        var fleet = new FleetGenerator(42, 3000, 300);
        var router = Router.build(fleet.snapshot(), fleet.policies(), fleet.catalog());
        Map<String, FleetPolicy> policies = fleet.policies().stream().collect(Collectors.toMap(FleetPolicy::name, Function.identity()));
        RouteQuery[] queries = fleet.queries(300);
        for (RouteQuery q : queries) {
            for (RouteQuery query : List.of(q, q.withLimit(1), q.withLimit(40))) {
                assertThat(router.route(query).candidates()).as(query.toString()).isEqualTo(scan(fleet, policies, query));
            }
        }
        for (int i = 0; i < 100; i++) {
            RouteQuery q = queries[i];
            List<RouteCandidate> expected = scan(fleet, policies, q);
            // asked again from a named site, the index answers from what it kept of the first time
            assertThat(router.route(q).candidates()).as(q.toString()).isEqualTo(expected);
            assertThat(router.route(q).candidates()).as(q.toString()).isEqualTo(expected);
            // the same site's name from another point: its measured round trips count, but not its kept answer
            RouteQuery moved = new RouteQuery(q.alias(), queries[i + 1].client(), q.site(), q.allowed(), q.limit());
            assertThat(router.route(moved).candidates()).as(moved.toString()).isEqualTo(scan(fleet, policies, moved));
            assertThat(router.route(q).candidates()).as(q.toString()).isEqualTo(expected);
        }
    }

    @Test
    void sameCandidatesFromAnywhereInTheCellOfAPointQuery() {
        var fleet = new FleetGenerator(7, 3000, 300);
        var router = Router.build(fleet.snapshot(), fleet.policies(), fleet.catalog());
        Map<String, FleetPolicy> policies = fleet.policies().stream().collect(Collectors.toMap(FleetPolicy::name, Function.identity()));
        int asked = 0;
        for (RouteQuery q : fleet.queries(150)) {
            if (q.site().isPresent()) {
                continue;
            }
            // the router keeps, per 0.25° cell, the clusters that may rank from anywhere in it: ask from the corners
            // of the query's cell (the points farthest from its centre) and of its 2° cell, in both orders
            for (double deg : new double[] {0.25, 2}) {
                double lat0 = Math.floor((q.client().lat() + 90) / deg) * deg - 90;
                double lon0 = Math.floor((q.client().lon() + 180) / deg) * deg - 180;
                double in = 1e-9;
                for (double[] corner : new double[][] {{lat0 + in, lon0 + in}, {lat0 + deg - in, lon0 + deg - in},
                        {lat0 + in, lon0 + deg - in}, {lat0 + deg - in, lon0 + in}}) {
                    for (int limit : new int[] {q.limit(), 1, Router.LIVE_CANDIDATES}) {
                        RouteQuery there = new RouteQuery(q.alias(), new GeoPoint(corner[0], corner[1]), q.site(), q.allowed(), limit);
                        assertThat(router.route(there).candidates()).as(there.toString()).isEqualTo(scan(fleet, policies, there));
                        asked++;
                    }
                }
            }
            assertThat(router.route(q).candidates()).as(q.toString()).isEqualTo(scan(fleet, policies, q));
        }
        assertThat(asked).isGreaterThan(1000);
    }

    private static List<RouteCandidate> scan(FleetGenerator fleet, Map<String, FleetPolicy> policies, RouteQuery q) {
        var out = new ArrayList<RouteCandidate>();
        for (ClusterState c : fleet.snapshot().clusters()) {
            var seen = new HashSet<String>();
            for (ServedWorkload s : c.serving()) {
                FleetPolicy p = policies.get(s.policyName());
                if (p == null || !p.spec().routing().alias().equals(s.alias()) || !seen.add(s.alias()) || !s.alias().equals(q.alias())) {
                    continue;
                }
                if ((c.health() != Health.READY && c.health() != Health.DEGRADED)
                        || !fleet.catalog().allowed(p.spec().placement().jurisdictions()).allows(c.jurisdiction())
                        || q.allowed().map(a -> !a.allows(c.jurisdiction())).orElse(false)) {
                    continue;
                }
                Double rtt = q.site().map(site -> c.rttMsBySite().get(site)).orElse(null);
                double network = rtt != null ? rtt : NetworkLatency.estimatedRttMs(q.client(), c.location());
                if (network > p.spec().routing().maxLatencyMs().map(Integer::doubleValue).orElse(Double.POSITIVE_INFINITY)) {
                    continue;
                }
                double penalty = NetworkLatency.loadPenaltyMs(c.load(), c.health());
                out.add(new RouteCandidate(c.id(), c.jurisdiction(), network + penalty, network, penalty, rtt != null, s.endpoint(), s.policyName()));
            }
        }
        out.sort(Comparator.comparingDouble(RouteCandidate::estimatedLatencyMs).thenComparing(RouteCandidate::clusterId));
        return out.subList(0, Math.min(q.limit(), out.size()));
    }
}
