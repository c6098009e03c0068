package io.flotilla.controlplane.routing;

import io.flotilla.placement.routing.RouteQuery;
import io.flotilla.policy.AllowedJurisdictions;
import io.flotilla.policy.GeoPoint;
import io.flotilla.policy.Site;
import io.flotilla.policy.Sites;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a client is: a point, or a named site (whose measured round trips then count), and how that was learned.
 *
 * @param source "header", "network 10.0.0.0/8" or "default", for the route reason
 */
public record ClientLocation(GeoPoint point, Optional<Site> site, String source) {

    /** {@code lat,lon} or a site name; empty with the problem when it is neither. */
    static Parsed parse(String text, Sites sites, String source) {
        String t = text.trim();
        int comma = t.indexOf(',');
        if (comma > 0) {
            try {
                double lat = Double.parseDouble(t.substring(0, comma).trim());
                double lon = Double.parseDouble(t.substring(comma + 1).trim());
                if (lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180) {
                    return new Parsed(new ClientLocation(new GeoPoint(lat, lon), Optional.empty(), source), null);
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            return new Parsed(null, "'" + t + "' is not lat,lon within -90..90,-180..180");
        }
        Optional<Site> site = sites.find(t.toLowerCase(Locale.ROOT));
        return site.map(s -> new Parsed(new ClientLocation(s.location(), site, source), null))
                .orElseGet(() -> new Parsed(null, "unknown site '" + t + "' (give lat,lon or one of the built-in sites)"));
    }

    record Parsed(ClientLocation location, String problem) {
    }

    RouteQuery query(String alias, AllowedJurisdictions allowed, int limit) {
        RouteQuery q = site.isPresent() ? RouteQuery.fromSite(alias, site.get(), allowed) : RouteQuery.at(alias, point, allowed);
        return q.withLimit(limit);
    }

    String describe() {
        return site.map(Site::name).orElseGet(() -> String.format(Locale.ROOT, "%.2f,%.2f", point.lat(), point.lon()))
                + " (" + source + ")";
    }
}
