package io.flotilla.controlplane.api;

import io.flotilla.controlplane.api.PolicyViews.RouteView;
import io.flotilla.controlplane.auth.Roles;
import io.flotilla.controlplane.routing.RouteService;
import io.flotilla.controlplane.support.FleetException;
import io.flotilla.placement.routing.RouteQuery;
import io.flotilla.policy.AllowedJurisdictions;
import io.flotilla.policy.GeoPoint;
import io.flotilla.policy.JurisdictionCatalog;
import io.flotilla.policy.Site;
import io.flotilla.policy.Sites;
import io.flotilla.policy.Suggestions;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@RolesAllowed(Roles.VIEWER)
@Path("/api/v1/route")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "routing")
public class RouteResource {

    private final RouteService routes;
    private final JurisdictionCatalog jurisdictions;
    private final Sites sites;

    RouteResource(RouteService routes, JurisdictionCatalog jurisdictions, Sites sites) {
        this.routes = routes;
        this.jurisdictions = jurisdictions;
        this.sites = sites;
    }

    @GET
    @Operation(summary = "Rank the clusters that may serve a model to a client, best first",
            description = "The client is at lat/lon or at a named site (whose measured round trips then count). "
                    + "jurisdiction (comma-separated codes or groups) limits where the request's data may go; without "
                    + "it, each serving policy's own jurisdictions apply. No candidate is ever outside them: when none "
                    + "is left the list is empty and reason says why.")
    public RouteView route(@QueryParam("model") String model, @QueryParam("lat") String lat, @QueryParam("lon") String lon,
            @QueryParam("site") String site, @QueryParam("jurisdiction") String jurisdiction) {
        var problems = new ArrayList<String>();
        if (model == null || model.isBlank()) {
            problems.add("model is required (the alias clients send)");
        }
        GeoPoint client = null;
        Optional<Site> named = Optional.empty();
        if (site != null && !site.isBlank()) {
            if (lat != null || lon != null) {
                problems.add("give either site or lat and lon, not both");
            }
            named = sites.find(site);
            if (named.isEmpty()) {
                problems.add("unknown site '" + site + "'" + Suggestions.closest(site, sites.names())
                        .map(s -> ", did you mean '" + s + "'?").orElse(""));
            }
        } else if (lat == null && lon == null) {
            problems.add("the client's location is required: lat and lon, or site");
        } else {
            client = point(lat, lon, problems);
        }
        AllowedJurisdictions allowed = null;
        if (jurisdiction != null && !jurisdiction.isBlank()) {
            List<String> codes = Arrays.stream(jurisdiction.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
            codes.forEach(c -> jurisdictions.problem(c).ifPresent(p -> problems.add("jurisdiction: " + p)));
            if (problems.isEmpty()) {
                allowed = jurisdictions.allowed(codes);
            }
        }
        if (!problems.isEmpty()) {
            throw new FleetException(FleetException.Kind.INVALID, String.join("; ", problems));
        }
        RouteQuery query = named.isPresent() ? RouteQuery.fromSite(model, named.get(), allowed) : RouteQuery.at(model, client, allowed);
        return PolicyViews.route(routes.route(query));
    }

    private static GeoPoint point(String lat, String lon, List<String> problems) {
        Double la = number("lat", lat, 90, problems);
        Double lo = number("lon", lon, 180, problems);
        return la == null || lo == null ? null : new GeoPoint(la, lo);
    }

    private static Double number(String name, String text, double limit, List<String> problems) {
        if (text == null) {
            problems.add(name + " is required with " + (name.equals("lat") ? "lon" : "lat"));
            return null;
        }
        try {
            double v = Double.parseDouble(text);
            if (v >= -limit && v <= limit) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(name + " must be a number within -" + (int) limit + ".." + (int) limit + ", got '" + text + "'");
        return null;
    }
}
