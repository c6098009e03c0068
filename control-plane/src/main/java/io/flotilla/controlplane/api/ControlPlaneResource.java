package io.flotilla.controlplane.api;

import io.flotilla.controlplane.dispatch.ProtocolKeys;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/control-plane")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "control plane")
public class ControlPlaneResource {

    private final ProtocolKeys keys;

    ControlPlaneResource(ProtocolKeys keys) {
        this.keys = keys;
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
