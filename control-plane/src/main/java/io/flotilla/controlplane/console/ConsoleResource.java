package io.flotilla.controlplane.console;

import io.flotilla.controlplane.auth.Roles;
import jakarta.annotation.security.RolesAllowed;
import io.flotilla.controlplane.console.ConsoleEvents.ConsoleEvent;
import io.flotilla.policy.Sites;
import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Comparator;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestStreamElementType;

/** What the console needs beyond the fleet and policy API: live change notifications and the known client sites. */
@RolesAllowed(Roles.VIEWER)
@Path("/api/v1")
@Tag(name = "console")
public class ConsoleResource {

    private final ConsoleEvents events;
    private final Sites sites;

    ConsoleResource(ConsoleEvents events, Sites sites) {
        this.events = events;
        this.sites = sites;
    }

    public record SiteView(String name, String country, String subdivision, double latitude, double longitude) {
    }

    @GET
    @Path("/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(summary = "Server-sent events: fleet and policy changes, after they commit (data: {type, kind, cluster, at})")
    public Multi<ConsoleEvent> events() {
        return events.stream();
    }

    @GET
    @Path("/sites")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The named client sites routing knows (GET /api/v1/route?site=NAME)")
    public List<SiteView> sites() {
        return sites.all().stream()
                .map(s -> new SiteView(s.name(), s.country(), s.subdivision(), s.location().lat(), s.location().lon()))
                .sorted(Comparator.comparing(SiteView::name)).toList();
    }
}
