package io.flotilla.controlplane.api;

import io.flotilla.controlplane.auth.Roles;
import io.flotilla.controlplane.protocol.ProtocolKeys;
import io.flotilla.controlplane.support.FleetException;
import io.flotilla.proto.receipt.Jwks;
import io.flotilla.proto.receipt.ReceiptVerifier;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The keys routing receipts are signed with, as a JWKS, and a check of one receipt against them (viewer). Customers
 * usually verify offline instead, with the saved JWKS: see docs/routing.md, "Receipts".
 */
@Path("/api/v1/receipts")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.VIEWER)
@Tag(name = "routing")
public class ReceiptResource {

    private final ProtocolKeys keys;

    ReceiptResource(ProtocolKeys keys) {
        this.keys = keys;
    }

    /** A JSON Web Key Set of Ed25519 keys. */
    public record KeySet(List<Map<String, String>> keys) {
    }

    /**
     * @param reason why the receipt is not valid; null when it is
     * @param claims the signed claims, when the signature verified
     */
    public record Verification(boolean valid, String reason, Map<String, Object> claims) {
    }

    @GET
    @Path("/keys")
    @Operation(summary = "The public keys receipts are signed with (active, incoming and retired), as a JWKS",
            description = "Save it to verify receipts offline (fleetctl receipt verify --keys, or any JOSE library). "
                    + "Retired keys stay listed, so receipts signed before a key rotation still verify.")
    public KeySet keys() {
        return new KeySet(keys.publishedKeys().stream().map(Jwks::jwk).toList());
    }

    @GET
    @Path("/verify")
    @Operation(summary = "Check a routing receipt (the X-Flotilla-Receipt header) against the published keys",
            description = "Answers valid, the reason when it is not (unknown key, signature does not match, not a "
                    + "compact JWS) and the signed claims. A receipt is under 1 KiB, well within URL limits.")
    public Verification verify(@QueryParam("receipt") String receipt) {
        if (receipt == null || receipt.isBlank()) {
            throw new FleetException(FleetException.Kind.INVALID, "receipt is required (the X-Flotilla-Receipt header's value)");
        }
        ReceiptVerifier.Result r = new ReceiptVerifier(keys.publishedKeys()).verify(receipt);
        return new Verification(r.valid(), r.reason(), r.json());
    }
}
