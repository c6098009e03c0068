package io.flotilla.fleetctl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.proto.VerificationKey;
import io.flotilla.proto.receipt.Jwks;
import io.flotilla.proto.receipt.ReceiptVerifier;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code fleetctl receipt verify|keys}: routing receipts, the signed {@code X-Flotilla-Receipt} header of every routed
 * answer. {@code verify} checks one with the control plane's own verifier, offline with a saved key set.
 */
@Command(name = "receipt", description = "Verify routing receipts (the X-Flotilla-Receipt header of routed answers).",
        subcommands = {ReceiptCommand.Verify.class, ReceiptCommand.Keys.class})
final class ReceiptCommand {

    static final String KEYS_PATH = "/api/v1/receipts/keys";

    @Command(name = "keys", description = {"Print the key set receipts are signed with (a JWKS: active, incoming and "
            + "retired keys), to save for offline verification: fleetctl receipt keys > keys.json"})
    static final class Keys extends BaseCommand implements Callable<Integer> {

        @Override
        OutputFormat defaultOutput() {
            return OutputFormat.json;
        }

        @Override
        public Integer call() {
            JsonNode keys;
            try (ApiClient client = client()) {
                keys = client.get(KEYS_PATH);
            }
            if (!printStructured(keys)) {
                var table = new Table("KEY ID", "ALG", "PUBLIC KEY (x)");
                keys.path("keys").forEach(k -> table.row(Json.cell(k, "kid"), Json.cell(k, "alg"), Json.cell(k, "x")));
                out().print(table.isEmpty() ? "No keys.\n" : table.render());
                out().flush();
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "verify", description = {"Check a receipt's signature against the control plane's keys, and print "
            + "its claims. Exit 0 when valid; 1 with the reason (unknown key, signature does not match, not a compact "
            + "JWS, body does not match) when not.",
            "With --keys the check is offline; without, the key set is fetched from the server."})
    static final class Verify extends BaseCommand implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "RECEIPT|-", description = "The receipt (the header's value), or - to read it from stdin.")
        String receipt;

        @Option(names = "--keys", paramLabel = "FILE", description = "A saved key set (fleetctl receipt keys > keys.json).")
        Path keysFile;

        @Option(names = "--body", paramLabel = "FILE", description = "The request body that was sent: it must be the one "
                + "the receipt names (bodySha256).")
        Path bodyFile;

        @Override
        public Integer call() {
            ReceiptVerifier.Result r = new ReceiptVerifier(keys()).verify(receiptText(), body());
            ObjectNode answer = Json.MAPPER.createObjectNode().put("valid", r.valid());
            answer.put("reason", r.reason()).put("keyId", r.keyId());
            answer.set("claims", r.json() == null ? null : Json.MAPPER.valueToTree(r.json()));
            if (!printStructured(answer)) {
                if (r.json() != null) {
                    var table = new Table("CLAIM", "VALUE");
                    r.json().forEach((name, value) -> table.row(name, value instanceof List<?> l
                            ? String.join(",", l.stream().map(String::valueOf).toList()) : String.valueOf(value)));
                    out().print(table.render());
                }
                out().flush();
            }
            if (!r.valid()) {
                throw new CliException(ExitCodes.REJECTED, "receipt not valid: " + r.reason());
            }
            if (output() == OutputFormat.table) {
                err().println("Valid: signed by key " + r.keyId() + (bodyFile == null ? "" : "; the body matches"));
                err().flush();
            }
            return ExitCodes.OK;
        }

        private List<VerificationKey> keys() {
            if (keysFile == null) {
                try (ApiClient client = client()) {
                    return Jwks.parse(Json.toJson(client.get(KEYS_PATH)));
                }
            }
            try {
                return Jwks.parse(Files.readString(resolve(keysFile)));
            } catch (IOException e) {
                throw new CliException(ExitCodes.USAGE, "cannot read --keys " + keysFile + ": " + e.getMessage());
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCodes.USAGE, "--keys " + keysFile + " is not a key set: " + e.getMessage());
            }
        }

        private String receiptText() {
            if (!receipt.equals("-")) {
                return receipt;
            }
            try {
                InputStream in = System.in;
                return new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip();
            } catch (IOException e) {
                throw new CliException(ExitCodes.USAGE, "cannot read the receipt from stdin: " + e.getMessage());
            }
        }

        private byte[] body() {
            if (bodyFile == null) {
                return null;
            }
            try {
                return Files.readAllBytes(resolve(bodyFile));
            } catch (IOException e) {
                throw new CliException(ExitCodes.USAGE, "cannot read --body " + bodyFile + ": " + e.getMessage());
            }
        }

        private Path resolve(Path file) {
            return root().environment().workingDirectory().resolve(file);
        }
    }

    private ReceiptCommand() {
    }
}
