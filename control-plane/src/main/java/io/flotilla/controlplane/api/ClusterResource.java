package io.flotilla.controlplane.api;

import io.flotilla.controlplane.api.ClusterViews.ClusterView;
import io.flotilla.controlplane.api.ClusterViews.GenerationView;
import io.flotilla.controlplane.audit.AuditDetails;
import io.flotilla.controlplane.auth.Roles;
import io.flotilla.controlplane.dispatch.DirectWorkloads;
import io.flotilla.controlplane.fleet.ClusterCapacity;
import io.flotilla.controlplane.fleet.ClusterTaint;
import io.flotilla.controlplane.fleet.FleetService;
import io.flotilla.controlplane.fleet.LatestTelemetry;
import io.flotilla.controlplane.fleet.WorkloadSpec;
import io.flotilla.controlplane.support.FleetException;
import io.flotilla.policy.schema.PolicySchema;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@RolesAllowed(Roles.VIEWER)
@Path("/api/v1/clusters")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "clusters")
public class ClusterResource {

    private static final String DNS_LABEL = "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?";
    static final String NOT_A_LABEL_KEY = "label keys must be Kubernetes label keys, such as tier or topology.kubernetes.io/zone";
    static final String LABEL_KEY_TOO_LONG = "label keys are at most " + PolicySchema.LABEL_KEY_MAX + " characters";
    static final String NOT_A_LABEL_VALUE = "label values must be Kubernetes label values";
    static final String LABEL_VALUE_TOO_LONG = "label values are at most " + PolicySchema.LABEL_VALUE_MAX + " characters";

    private final FleetService fleet;
    private final DirectWorkloads workloads;
    private final LatestTelemetry telemetry;
    private final AuditDetails audit;

    ClusterResource(FleetService fleet, DirectWorkloads workloads, LatestTelemetry telemetry, AuditDetails audit) {
        this.fleet = fleet;
        this.workloads = workloads;
        this.telemetry = telemetry;
        this.audit = audit;
    }

    private ClusterView view(FleetService.ClusterState state) {
        String id = state.cluster().id;
        OptionalDouble gpu = telemetry.gpuUtilization(id);
        // the stored telemetry time is written at most once per heartbeat interval; the newest report is in memory
        Instant lastReport = latest(state.cluster().lastReportAt(), telemetry.of(id).map(LatestTelemetry.Entry::receivedAt).orElse(null));
        return ClusterViews.of(state, lastReport, gpu.isPresent() ? gpu.getAsDouble() : null);
    }

    private static Instant latest(Instant a, Instant b) {
        return a == null ? b : b == null || a.isAfter(b) ? a : b;
    }

    public record RegisterCluster(
            @NotBlank(message = "id is required") @Pattern(regexp = DNS_LABEL, message = "id must be a DNS-1123 label") String id,
            @NotBlank(message = "jurisdiction is required")
            @Pattern(regexp = ClusterListing.JURISDICTION, message = "jurisdiction must be an ISO 3166 code such as DE or IN-MH") String jurisdiction,
            @DecimalMin(value = "-90", message = "latitude must be within -90..90") @DecimalMax(value = "90", message = "latitude must be within -90..90") Double latitude,
            @DecimalMin(value = "-180", message = "longitude must be within -180..180") @DecimalMax(value = "180", message = "longitude must be within -180..180") Double longitude,
            Map<@Size(max = PolicySchema.LABEL_KEY_MAX, message = LABEL_KEY_TOO_LONG) @Pattern(regexp = PolicySchema.LABEL_KEY_REGEX,
                    message = NOT_A_LABEL_KEY) String,
                    @NotNull(message = "label values must not be null") @Size(max = PolicySchema.LABEL_VALUE_MAX,
                            message = LABEL_VALUE_TOO_LONG) @Pattern(regexp = PolicySchema.LABEL_VALUE_REGEX,
                            message = NOT_A_LABEL_VALUE) String> labels,
            @Valid ClusterCapacity capacity,
            List<@NotNull(message = "taints must not hold null") @Valid ClusterTaint> taints) {
    }

    /**
     * Every cluster, or with {@code limit} a page of them: then a {@code Link} header with {@code rel="next"} (and
     * {@code X-Continue}, its token) says where the next page is, as long as one follows. Filters narrow either.
     */
    @GET
    @Operation(summary = "List clusters with their desired and applied generations and workload status; "
            + "limit and continue page through them, jurisdiction, health and label (key=value, repeatable) filter")
    public Response list(@QueryParam("limit") String limit, @QueryParam("continue") String continueToken,
            @QueryParam("jurisdiction") String jurisdiction, @QueryParam("health") String health,
            @QueryParam("label") List<String> labels, @Context UriInfo uri) {
        ClusterListing listing = ClusterListing.parse(limit, continueToken, jurisdiction, health, labels);
        FleetService.ClusterPage page = fleet.page(listing.filter(), listing.after(),
                listing.limit().orElse(Integer.MAX_VALUE));
        Response.ResponseBuilder answer = Response.ok(page.clusters().stream().map(this::view).toList());
        page.continueAfter().ifPresent(last -> {
            String token = ClusterListing.continueToken(last);
            URI next = uri.getRequestUriBuilder().replaceQueryParam("continue", token).build();
            answer.header("X-Continue", token).header("Link", "<" + next.getRawPath() + "?" + next.getRawQuery() + ">; rel=\"next\"");
        });
        return answer.build();
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One cluster")
    public ClusterView get(@PathParam("id") String id) {
        return fleet.get(id).map(this::view).orElseThrow(() -> FleetException.unknownCluster(id));
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Operation(summary = "Register a cluster, with the capacity and taints placement takes into account")
    public Response register(@NotNull(message = "body is required") @Valid RegisterCluster body) {
        fleet.register(new FleetService.Registration(body.id(), body.jurisdiction(), body.latitude(),
                body.longitude(), body.labels(), body.capacity(), body.taints()));
        return Response.created(URI.create("/api/v1/clusters/" + body.id())).entity(get(body.id())).build();
    }

    @RolesAllowed(Roles.OPERATOR)
    @PUT
    @Path("/{id}/workloads/{name}")
    @Operation(summary = "Give a cluster a workload, or replace it; dispatches a new generation")
    public GenerationView putWorkload(@PathParam("id") String id,
            @PathParam("name") @Pattern(regexp = DNS_LABEL, message = "workload name must be a DNS-1123 label") String name,
            @NotNull(message = "body is required") @Valid WorkloadSpec spec) {
        return generation(id, name, workloads.putWorkload(id, name, spec));
    }

    @RolesAllowed(Roles.OPERATOR)
    @DELETE
    @Path("/{id}/workloads/{name}")
    @Operation(summary = "Take a workload away from a cluster; the agent prunes it")
    public GenerationView removeWorkload(@PathParam("id") String id, @PathParam("name") String name) {
        return generation(id, name, workloads.removeWorkload(id, name));
    }

    private GenerationView generation(String cluster, String workload, long generation) {
        audit.revision("generation " + generation);
        return new GenerationView(cluster, workload, generation);
    }
}
