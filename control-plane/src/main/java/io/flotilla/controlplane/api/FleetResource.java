package io.flotilla.controlplane.api;

import io.flotilla.controlplane.auth.Roles;
import io.flotilla.controlplane.fleet.MassOffline;
import io.flotilla.controlplane.fleet.MassOfflineGuard;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@RolesAllowed(Roles.VIEWER)
@Path("/api/v1/fleet")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "clusters")
public class FleetResource {

    private final MassOfflineGuard massOffline;

    FleetResource(MassOfflineGuard massOffline) {
        this.massOffline = massOffline;
    }

    /**
     * The fleet's presence as of the last presence check ({@code assessedAt}, null before the first).
     *
     * @param reporting clusters that have reported at least once
     * @param offline those of them offline now
     * @param massOffline whether mass-offline protection holds: placement gives no offline cluster up
     * @param massOfflineSince when the protection started; null while it does not hold
     * @param toComeBack how many offline clusters must come back for the protection to end (0 while it does not hold)
     */
    public record PresenceView(int reporting, int offline, double offlineShare, boolean massOffline, Instant massOfflineSince,
            int toComeBack, double massOfflineThreshold, int massOfflineMinClusters, Instant assessedAt) {
    }

    @GET
    @Path("/presence")
    @Operation(summary = "How many clusters are offline, and whether mass-offline protection keeps their workloads in place")
    public PresenceView presence() {
        MassOfflineGuard.Status status = massOffline.status();
        MassOffline s = status.state();
        return new PresenceView(s.reporting(), s.offline(), s.offlineShare(), s.holds(), status.since().orElse(null),
                s.toComeBack(), s.threshold(), s.minClusters(), status.assessedAt());
    }
}
