package io.flotilla.controlplane.api;

import io.flotilla.controlplane.audit.AuditDetails;
import io.flotilla.controlplane.auth.Principal;
import io.flotilla.controlplane.auth.Roles;
import io.flotilla.controlplane.dispatch.OutboxRepository;
import io.flotilla.controlplane.fleet.AgentBroker;
import io.flotilla.controlplane.fleet.Cluster;
import io.flotilla.controlplane.fleet.ClusterCapacity;
import io.flotilla.controlplane.fleet.EnrollmentService;
import io.flotilla.controlplane.identity.ClusterEnrollment;
import io.flotilla.controlplane.identity.IdentityService;
import io.flotilla.controlplane.protocol.ProtocolKeys;
import io.flotilla.controlplane.support.FleetException;
import io.flotilla.policy.schema.PolicySchema;
import io.flotilla.proto.VerificationKey;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.PermitAll;
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
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Cluster enrollment: an admin registers a cluster (or enrolls a registered one again) and receives its one-time
 * bootstrap token and install snippet; the cluster's agent exchanges the token, with the public key it generated, for
 * its broker credentials ({@code POST /api/v1/enrollments/exchange}, authenticated by the token itself).
 */
@RolesAllowed(Roles.ADMIN)
@Path("/api/v1/enrollments")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "enrollment")
public class EnrollmentResource {

    private final EnrollmentService enrollments;
    private final IdentityService identityService;
    private final AgentBroker agentBroker;
    private final ProtocolKeys keys;
    private final OutboxRepository outbox;
    private final AuditDetails audit;
    private final SecurityIdentity identity;
    private final Clock clock;

    EnrollmentResource(EnrollmentService enrollments, IdentityService identityService, AgentBroker agentBroker,
            ProtocolKeys keys, OutboxRepository outbox, AuditDetails audit, SecurityIdentity identity, Clock clock) {
        this.enrollments = enrollments;
        this.identityService = identityService;
        this.agentBroker = agentBroker;
        this.keys = keys;
        this.outbox = outbox;
        this.audit = audit;
        this.identity = identity;
        this.clock = clock;
    }

    public record CreateEnrollment(
            @NotBlank(message = "clusterId is required")
            @Pattern(regexp = "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?", message = "clusterId must be a DNS-1123 label "
                    + "(lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters)")
            String clusterId,
            String jurisdiction,
            String site,
            @DecimalMin(value = "-90", message = "latitude must be within -90..90") @DecimalMax(value = "90", message = "latitude must be within -90..90") Double latitude,
            @DecimalMin(value = "-180", message = "longitude must be within -180..180") @DecimalMax(value = "180", message = "longitude must be within -180..180") Double longitude,
            Map<@Size(max = PolicySchema.LABEL_KEY_MAX, message = ClusterResource.LABEL_KEY_TOO_LONG)
                    @Pattern(regexp = PolicySchema.LABEL_KEY_REGEX, message = ClusterResource.NOT_A_LABEL_KEY) String,
                    @NotNull(message = "label values must not be null")
                    @Pattern(regexp = "([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?", message = "label values must be Kubernetes label values") String> labels,
            @Valid ClusterCapacity capacity) {
    }

    /**
     * @param state {@code pending} (token not used yet), {@code expired} (not used in time), {@code enrolled} (the
     *     agent exchanged it: its key is the cluster's identity), or {@code revoked}
     * @param agentKeyId the id of the agent's public key once enrolled
     * @param agentConnected whether the cluster's agent has been heard from (status, presence or telemetry)
     */
    public record EnrollmentView(String id, String clusterId, String state, String jurisdiction, Double latitude,
            Double longitude, Map<String, String> labels, String createdBy, Instant createdAt, Instant tokenExpiresAt,
            Instant enrolledAt, String agentKeyId, Instant revokedAt, boolean agentConnected) {

        static EnrollmentView of(EnrollmentService.Listed l, Instant now) {
            ClusterEnrollment e = l.enrollment();
            Cluster c = l.cluster();
            String state = e.revoked() ? "revoked" : e.exchanged() ? "enrolled"
                    : now.isBefore(e.tokenExpiresAt) ? "pending" : "expired";
            return new EnrollmentView(e.id, e.clusterId, state, c == null ? null : c.jurisdiction,
                    c == null ? null : c.latitude, c == null ? null : c.longitude,
                    c == null ? Map.of() : new TreeMap<>(c.labels), e.createdBy, e.createdAt, e.tokenExpiresAt,
                    e.tokenSpentAt, e.agentPublicKey == null ? null : VerificationKey.fromBase64(e.agentPublicKey).keyId(),
                    e.revokedAt, c != null && c.lastReportAt() != null);
        }
    }

    /**
     * The answer to create, the only time the bootstrap token is shown.
     *
     * @param bootstrapToken works once, until {@code enrollment.tokenExpiresAt}, for this cluster only
     * @param controlPlaneUrl where the agent exchanges it
     * @param manifest the k0s manifest of deploy/agent with its Secret filled in
     * @param startCommand the device distribution's start command with the same settings
     * @param snippet all of the above as one shell snippet
     * @param k0sHelm the agent as a k0s Helm extension of deploy/helm/flotilla-agent: the bootstrap Secret for the
     *        manifest deployer and the extension entry for k0s.yaml, as a shell snippet
     */
    public record EnrolledView(EnrollmentView enrollment, String bootstrapToken, String controlPlaneUrl,
            String manifest, String startCommand, String snippet, String k0sHelm) {
    }

    public record ExchangeRequest(
            @NotBlank(message = "clusterId is required") @Size(max = 63, message = "clusterId is at most 63 characters") String clusterId,
            @NotBlank(message = "bootstrapToken is required") @Size(max = 200, message = "bootstrapToken is too long") String bootstrapToken,
            @NotBlank(message = "publicKey is required (the agent's Ed25519 public key, raw 32 bytes in base64)")
            @Size(max = 200, message = "publicKey is too long") String publicKey) {
    }

    /**
     * What an agent receives for its bootstrap token, this once.
     *
     * @param controlPlaneKeys the keys desired state is signed with (base64 Ed25519), all to be trusted
     * @param brokerCaCertificate PEM of the CA the broker's certificate must chain to; null for a plain-TCP broker URL
     * @param desiredStateFloor an agent with no stored desired state refuses one issued before this instant
     */
    public record ExchangeResponse(String clusterId, String brokerUrl, String username, String password, String clientId,
            List<String> controlPlaneKeys, String brokerCaCertificate, Instant desiredStateFloor) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Enroll a cluster: registers it and answers its agent's install snippet, with a credential shown this once")
    public Response create(@NotNull(message = "body is required") @Valid CreateEnrollment body) {
        EnrollmentService.Enrolled e = enrollments.enroll(new EnrollmentService.Request(body.clusterId(), body.jurisdiction(),
                body.site(), body.latitude(), body.longitude(), body.labels(), body.capacity()),
                Principal.of(identity).orElseThrow().name());
        EnrollmentView view = EnrollmentView.of(e.listed(), clock.instant());
        var s = e.snippet();
        return Response.created(URI.create("/api/v1/enrollments/" + view.id()))
                .entity(new EnrolledView(view, e.bootstrapToken(), s.settings().controlPlaneUrl(), s.manifest(),
                        s.startCommand(), s.script(), s.k0sHelm()))
                .build();
    }

    @POST
    @Path("/exchange")
    @PermitAll
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "An agent's first start: its bootstrap token and public key for its broker credentials "
            + "(authenticated by the one-time token, not a bearer token)")
    public ExchangeResponse exchange(@NotNull(message = "body is required") @Valid ExchangeRequest body) {
        audit.target("clusters/" + body.clusterId() + "/enrollment");
        IdentityService.Exchanged x;
        try {
            x = identityService.exchange(body.clusterId(), body.bootstrapToken(), body.publicKey());
        } catch (IllegalArgumentException e) {
            throw new FleetException(FleetException.Kind.INVALID, "publicKey: " + e.getMessage());
        }
        return new ExchangeResponse(x.enrollment().clusterId, agentBroker.url(), x.username(), x.password(),
                x.clientId(), keys.trustedKeys().stream().map(VerificationKey::toBase64).toList(), agentBroker.caCertificatePem().orElse(null),
                floor(x.enrollment().clusterId));
    }

    /**
     * The earliest issue time a newly enrolled agent accepts: that of the cluster's current desired state. Without one
     * there is nothing to replay, and a state being dispatched right now (issued before this moment, committed after
     * it) must still be accepted: no floor then.
     */
    private Instant floor(String clusterId) {
        return QuarkusTransaction.requiringNew().call(() -> outbox.findByIdOptional(clusterId).map(o -> o.createdAt))
                .orElse(Instant.EPOCH);
    }

    @GET
    @Operation(summary = "Every enrollment, revoked ones included, without credentials")
    public List<EnrollmentView> list() {
        Instant now = clock.instant();
        return enrollments.list().stream().map(l -> EnrollmentView.of(l, now)).toList();
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Revoke an enrollment: its agent is disconnected and refused; the cluster stays registered")
    public EnrollmentView revoke(@PathParam("id") String id) {
        return EnrollmentView.of(enrollments.revoke(id), clock.instant());
    }
}
