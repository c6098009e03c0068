package io.flotilla.controlplane.api;

import io.flotilla.controlplane.auth.Roles;
import jakarta.annotation.security.RolesAllowed;
import io.flotilla.controlplane.dispatch.ProtocolKeys;
import io.flotilla.controlplane.leader.Leadership;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@RolesAllowed(Roles.VIEWER)
@Path("/api/v1/control-plane")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "control plane")
public class ControlPlaneResource {

    private final ProtocolKeys keys;
    private final Leadership leadership;

    ControlPlaneResource(ProtocolKeys keys, Leadership leadership) {
        this.keys = keys;
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
}
