package io.flotilla.controlplane.api;

import io.flotilla.controlplane.auth.Roles;
import jakarta.annotation.security.RolesAllowed;
import io.flotilla.controlplane.auth.Principal;
import io.flotilla.controlplane.fleet.Cluster;
import io.flotilla.controlplane.fleet.ClusterCapacity;
import io.flotilla.controlplane.fleet.ClusterEnrollment;
import io.flotilla.controlplane.fleet.EnrollmentService;
import io.flotilla.policy.schema.PolicySchema;
import io.quarkus.security.identity.SecurityIdentity;
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
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Cluster enrollment (admin): register a cluster and hand out its agent's install snippet. */
@RolesAllowed(Roles.ADMIN)
@Path("/api/v1/enrollments")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "enrollment")
public class EnrollmentResource {

    private final EnrollmentService enrollments;
    private final SecurityIdentity identity;

    EnrollmentResource(EnrollmentService enrollments, SecurityIdentity identity) {
        this.enrollments = enrollments;
        this.identity = identity;
    }

    public record CreateEnrollment(
            @NotBlank(message = "clusterId is required")
            @Pattern(regexp = "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?", message = "clusterId must be a DNS-1123 label "
                    + "(lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters)")
            String clusterId,
            @NotBlank(message = "jurisdiction is required (an ISO 3166 code such as DE or IN-MH)") String jurisdiction,
            String site,
            @DecimalMin(value = "-90", message = "latitude must be within -90..90") @DecimalMax(value = "90", message = "latitude must be within -90..90") Double latitude,
            @DecimalMin(value = "-180", message = "longitude must be within -180..180") @DecimalMax(value = "180", message = "longitude must be within -180..180") Double longitude,
            Map<@Size(max = PolicySchema.LABEL_KEY_MAX, message = ClusterResource.LABEL_KEY_TOO_LONG)
                    @Pattern(regexp = PolicySchema.LABEL_KEY_REGEX, message = ClusterResource.NOT_A_LABEL_KEY) String,
                    @NotNull(message = "label values must not be null")
                    @Pattern(regexp = "([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?", message = "label values must be Kubernetes label values") String> labels,
            @Valid ClusterCapacity capacity) {
    }

    /** @param agentConnected whether the cluster's agent has been heard from (status, presence or telemetry) */
    public record EnrollmentView(String id, String clusterId, String jurisdiction, Double latitude, Double longitude,
            Map<String, String> labels, String createdBy, Instant createdAt, Instant revokedAt, boolean agentConnected) {

        static EnrollmentView of(EnrollmentService.Listed l) {
            ClusterEnrollment e = l.enrollment();
            Cluster c = l.cluster();
            return new EnrollmentView(e.id, e.clusterId, c == null ? null : c.jurisdiction, c == null ? null : c.latitude,
                    c == null ? null : c.longitude, c == null ? Map.of() : new TreeMap<>(c.labels), e.createdBy,
                    e.createdAt, e.revokedAt, c != null && c.lastReportAt() != null);
        }
    }

    /**
     * The answer to create, the only time the credential is shown.
     *
     * @param credential the agent's broker password (its user name is the cluster id)
     * @param manifest the k0s manifest of deploy/agent with its Secret filled in
     * @param startCommand the device distribution's start command with the same settings
     * @param brokerPasswordLine the line for an external Mosquitto's password file
     * @param snippet all of the above as one shell snippet
     */
    public record EnrolledView(EnrollmentView enrollment, String credential, String brokerUrl, String controlPlaneKey,
            String manifest, String startCommand, String brokerPasswordLine, String snippet) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Enroll a cluster: registers it and answers its agent's install snippet, with a credential shown this once")
    public Response create(@NotNull(message = "body is required") @Valid CreateEnrollment body) {
        EnrollmentService.Enrolled e = enrollments.enroll(new EnrollmentService.Request(body.clusterId(), body.jurisdiction(),
                body.site(), body.latitude(), body.longitude(), body.labels(), body.capacity()),
                Principal.of(identity).orElseThrow().name());
        EnrollmentView view = EnrollmentView.of(e.listed());
        var s = e.snippet();
        return Response.created(URI.create("/api/v1/enrollments/" + view.id()))
                .entity(new EnrolledView(view, e.credential(), s.settings().brokerUrl(),
                        s.settings().controlPlaneKey(), s.manifest(), s.startCommand(),
                        s.brokerPasswordLine(), s.script()))
                .build();
    }

    @GET
    @Operation(summary = "Every enrollment, revoked ones included, without credentials")
    public List<EnrollmentView> list() {
        return enrollments.list().stream().map(EnrollmentView::of).toList();
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Revoke an enrollment's credential; the cluster stays registered")
    public EnrollmentView revoke(@PathParam("id") String id) {
        return EnrollmentView.of(enrollments.revoke(id));
    }
}
