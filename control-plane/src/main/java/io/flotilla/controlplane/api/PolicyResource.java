package io.flotilla.controlplane.api;

import io.flotilla.controlplane.api.PolicyViews.ApplyView;
import io.flotilla.controlplane.api.PolicyViews.DeletedView;
import io.flotilla.controlplane.api.PolicyViews.PlacementView;
import io.flotilla.controlplane.api.PolicyViews.PolicySummaryView;
import io.flotilla.controlplane.api.PolicyViews.PolicyView;
import io.flotilla.controlplane.api.PolicyViews.RevisionSummaryView;
import io.flotilla.controlplane.api.PolicyViews.RevisionView;
import io.flotilla.controlplane.audit.AuditDetails;
import io.flotilla.controlplane.auth.Principal;
import io.flotilla.controlplane.auth.Roles;
import io.flotilla.controlplane.policy.PolicyService;
import io.flotilla.controlplane.support.ChangeStages;
import io.flotilla.policy.PolicyError;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@RolesAllowed(Roles.VIEWER)
@Path("/api/v1/policies")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "policies")
public class PolicyResource {

    private final PolicyService policies;
    private final SecurityIdentity identity;
    private final AuditDetails audit;
    private final ChangeStages stages;

    PolicyResource(PolicyService policies, SecurityIdentity identity, AuditDetails audit, ChangeStages stages) {
        this.stages = stages;
        this.policies = policies;
        this.identity = identity;
        this.audit = audit;
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Consumes({"application/yaml", "text/yaml", "application/x-yaml", MediaType.TEXT_PLAIN, MediaType.APPLICATION_JSON})
    @Operation(summary = "Apply a set of policies (YAML documents, or JSON: one policy or an array)",
            description = "Stores a new revision of each policy whose canonical form changed, re-places all policies "
                    + "and dispatches the clusters whose workloads change. With dryRun=true, answers the same and stores "
                    + "nothing. An invalid set is rejected as a whole, with every error as source:line:column; warnings "
                    + "(a credential in a plain env value) are listed and reject nothing.")
    public ApplyView apply(@QueryParam("dryRun") @DefaultValue("false") boolean dryRun,
            @QueryParam("source") @DefaultValue("request")
            @Size(max = 255, message = "source is at most 255 characters") String source,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, String body) {
        boolean json = contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith(MediaType.APPLICATION_JSON);
        var set = policies.parse(source, body == null ? "" : body, json);
        long start = System.nanoTime();
        List<PolicyService.Applied> applied = policies.apply(set, source, dryRun, Principal.nameOf(identity));
        if (!dryRun) {
            stages.since(ChangeStages.Stage.API, start); // the service's transaction has committed
        }
        audit.target("policies " + applied.stream().map(PolicyService.Applied::name).collect(Collectors.joining(","))
                + (dryRun ? " (dry run)" : ""));
        audit.revision(applied.stream().filter(a -> a.action() != PolicyService.Action.UNCHANGED)
                .map(a -> a.name() + "@" + a.revision()).collect(Collectors.joining(",")));
        return new ApplyView(dryRun, applied.stream().map(PolicyViews::of).toList(),
                set.warnings().stream().map(PolicyError::formatWarning).toList());
    }

    @GET
    @Operation(summary = "Current policies, by name, with how many clusters each is placed on")
    public List<PolicySummaryView> list() {
        return policies.list().stream().map(PolicyViews::summary).toList();
    }

    @GET
    @Path("/{name}")
    @Operation(summary = "A policy's current revision, in canonical YAML")
    public PolicyView get(@PathParam("name") String name) {
        var p = policies.get(name);
        return new PolicyView(p.name(), p.revision(), p.yaml(), p.updatedAt());
    }

    @GET
    @Path("/{name}/revisions")
    @Operation(summary = "A policy's revisions, oldest first, each with its diff against the one before")
    public List<RevisionSummaryView> revisions(@PathParam("name") String name) {
        return policies.history(name).stream().map(r -> new RevisionSummaryView(r.revision(), r.createdAt(), r.appliedBy(), r.diff())).toList();
    }

    @GET
    @Path("/{name}/revisions/{revision}")
    @Operation(summary = "One revision of a policy")
    public RevisionView revision(@PathParam("name") String name, @PathParam("revision") long revision) {
        var r = policies.revision(name, revision);
        return new RevisionView(name, r.revision(), r.yaml(), r.createdAt(), r.appliedBy());
    }

    @RolesAllowed(Roles.OPERATOR)
    @DELETE
    @Path("/{name}")
    @Operation(summary = "Delete a policy; the clusters it ran on get a new generation without its workload")
    public DeletedView delete(@PathParam("name") String name) {
        long start = System.nanoTime();
        policies.delete(name);
        stages.since(ChangeStages.Stage.API, start);
        return new DeletedView(name, true);
    }

    @GET
    @Path("/{name}/placement")
    @Operation(summary = "Where a policy is placed: chosen clusters with replicas and scores, the first 100 clusters left out with their reasons, and how many were left out per reason")
    public PlacementView placement(@PathParam("name") String name) {
        return PolicyViews.placement(policies.get(name));
    }
}
