package io.flotilla.fleetctl;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** {@code fleetctl revoke enrollment ID}: take a cluster's identity away. */
@Command(name = "revoke", description = "Revoke a cluster's enrollment.", subcommands = RevokeCommand.Enrollment.class)
final class RevokeCommand extends BaseCommand implements Runnable {

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing resource: enrollment ID");
    }

    @Command(name = "enrollment", description = {"Revoke an enrollment (its ID from fleetctl get enrollments; needs an admin token).",
            "The cluster's agent is disconnected from the broker at once and refused afterwards; the cluster stays "
                    + "registered and the record is kept for the audit trail. Enroll the cluster again to give it a new identity."})
    static final class Enrollment extends BaseCommand implements Callable<Integer> {

        @Parameters(paramLabel = "ID", description = "The enrollment's id.")
        String id;

        @Override
        public Integer call() {
            JsonNode revoked;
            try (ApiClient client = client()) {
                revoked = client.delete(EnrollCommand.PATH + "/" + ApiClient.encode(id));
            }
            if (!printStructured(revoked)) {
                out().println("Enrollment " + Json.cell(revoked, "id") + " of cluster " + Json.cell(revoked, "clusterId")
                        + " revoked at " + Json.cell(revoked, "revokedAt") + "; its agent is disconnected and refused from now on.");
                out().flush();
            }
            return ExitCodes.OK;
        }
    }
}
