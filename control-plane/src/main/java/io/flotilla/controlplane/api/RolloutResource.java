package io.flotilla.controlplane.api;

import io.flotilla.controlplane.api.PolicyViews.ApplyView;
import io.flotilla.controlplane.audit.AuditDetails;
import io.flotilla.controlplane.auth.Principal;
import io.flotilla.controlplane.auth.Roles;
import io.flotilla.controlplane.policy.PolicyService;
import io.flotilla.controlplane.rollout.RolloutService;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@RolesAllowed(Roles.VIEWER)
@Path("/api/v1/policies/{name}/rollout")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "rollouts")
public class RolloutResource {

    private final RolloutService rollouts;
    private final PolicyService policies;
    private final SecurityIdentity identity;
    private final AuditDetails audit;

    RolloutResource(RolloutService rollouts, PolicyService policies, SecurityIdentity identity, AuditDetails audit) {
        this.identity = identity;
        this.audit = audit;
        this.rollouts = rollouts;
        this.policies = policies;
    }

    @GET
    @Operation(summary = "The policy's latest rollout: its waves, each cluster's state in it, and progress")
    public RolloutService.Status status(@PathParam("name") String name) {
        return rollouts.status(name);
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/pause")
    @Operation(summary = "Pause the rollout in progress: no further wave is released until it is resumed")
    public RolloutService.Status pause(@PathParam("name") String name) {
        return rollouts.pause(name);
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/resume")
    @Operation(summary = "Resume a paused rollout; it pauses again if its failures still exceed maxUnavailable")
    public RolloutService.Status resume(@PathParam("name") String name) {
        return rollouts.resume(name);
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/undo")
    @Operation(summary = "Roll back: apply the previous revision again, as a new revision that rolls out in waves")
    public ApplyView undo(@PathParam("name") String name) {
        PolicyService.Applied applied = policies.undo(name, Principal.nameOf(identity));
        audit.revision(applied.name() + "@" + applied.revision());
        return new ApplyView(false, List.of(PolicyViews.of(applied)), List.of());
    }
}
