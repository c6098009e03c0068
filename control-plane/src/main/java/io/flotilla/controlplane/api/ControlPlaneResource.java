package io.flotilla.controlplane.api;

import io.flotilla.controlplane.audit.AuditDetails;
import io.flotilla.controlplane.auth.Roles;
import io.flotilla.controlplane.dispatch.KeyRotation;
import io.flotilla.controlplane.leader.Leadership;
import io.flotilla.controlplane.protocol.ProtocolKeys;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@RolesAllowed(Roles.VIEWER)
@Path("/api/v1/control-plane")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "control plane")
public class ControlPlaneResource {

    private final ProtocolKeys keys;
    private final KeyRotation rotation;
    private final AuditDetails audit;
    private final Leadership leadership;

    ControlPlaneResource(ProtocolKeys keys, KeyRotation rotation, AuditDetails audit, Leadership leadership) {
        this.keys = keys;
        this.rotation = rotation;
        this.audit = audit;
        this.leadership = leadership;
    }

    /** @param leader whether this replica runs placement timers, dispatch, rollouts and telemetry maintenance */
    public record ReplicaView(boolean leader) {
    }

    @GET
    @Path("/replica")
    @Operation(summary = "This replica's role: every replica serves the API and ingests, the leader also dispatches")
    public ReplicaView replica() {
        return new ReplicaView(leadership.isLeader());
    }

    /** What an agent pins to verify desired state. */
    public record SigningKeyView(String keyId, String algorithm, String publicKey) {
    }

    @GET
    @Path("/signing-key")
    @Operation(summary = "The public key agents pin to verify desired state")
    public SigningKeyView signingKey() {
        return new SigningKeyView(keys.verificationKey().keyId(), "Ed25519", keys.verificationKey().toBase64());
    }

    @GET
    @Path("/signing-keys")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "The signing keys (active, and incoming during a rotation) and the rotation's progress")
    public KeyRotation.Status signingKeys() {
        return rotation.status();
    }

    @POST
    @Path("/signing-keys/rotate")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Start rotating the signing key: agents learn the new key, then it replaces the old one")
    public Response rotate() {
        KeyRotation.Status status = rotation.rotate();
        audit.target("control-plane/signing-keys/" + status.rotation().map(KeyRotation.Progress::newKeyId).orElse("?"));
        return Response.accepted(status).build();
    }
}
