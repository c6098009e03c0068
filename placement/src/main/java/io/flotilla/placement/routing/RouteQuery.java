package io.flotilla.placement.routing;

import io.flotilla.policy.AllowedJurisdictions;
import io.flotilla.policy.GeoPoint;
import io.flotilla.policy.Site;
import java.util.Objects;
import java.util.Optional;

/**
 * A request to route: the model alias, where the client is (a point, or a named site whose measured round
 * trips then count), which jurisdictions the request's data may reach (empty: only the serving policy's
 * own), and how many candidates to return for failover.
 */
public record RouteQuery(String alias, GeoPoint client, Optional<String> site, Optional<AllowedJurisdictions> allowed, int limit) {

    public static final int DEFAULT_LIMIT = 5;

    public RouteQuery {
        Objects.requireNonNull(alias, "alias");
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(site, "site");
        Objects.requireNonNull(allowed, "allowed");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1");
        }
    }

    public static RouteQuery at(String alias, GeoPoint client, AllowedJurisdictions allowed) {
        return new RouteQuery(alias, client, Optional.empty(), Optional.ofNullable(allowed), DEFAULT_LIMIT);
    }

    public static RouteQuery fromSite(String alias, Site site, AllowedJurisdictions allowed) {
        return new RouteQuery(alias, site.location(), Optional.of(site.name()), Optional.ofNullable(allowed), DEFAULT_LIMIT);
    }

    public RouteQuery withLimit(int limit) {
        return new RouteQuery(alias, client, site, allowed, limit);
    }
}
