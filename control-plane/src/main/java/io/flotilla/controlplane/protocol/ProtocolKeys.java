package io.flotilla.controlplane.protocol;

import io.flotilla.proto.EnvelopeCodec;
import io.flotilla.proto.SigningKey;
import io.flotilla.proto.VerificationKey;
import io.flotilla.proto.receipt.ReceiptSigner;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The control plane's signing keys and the codecs built from them: one that signs desired state, one that reads what
 * agents send. There is one active key; during a rotation ({@code dispatch.KeyRotation}) an incoming key is trusted beside it
 * (desired states carry both, so agents learn the new one) until the switch, when it becomes the active key and the
 * former one is retired. The keys live beside {@code flotilla.dispatch.signing-key-file}: the active key in that file,
 * the incoming one in {@code <file>.next} (with {@code <file>.next.started}, when the rotation began), retired ones in
 * {@code retired/<key id>.key}.
 */
@ApplicationScoped
public class ProtocolKeys {

    private static final Logger LOG = Logger.getLogger(ProtocolKeys.class);
    public static final String SOURCE = "flotilla/control-plane";

    /** The keys as they are now; replaced whole, never changed. */
    private record Ring(SigningKey active, Optional<SigningKey> incoming, Optional<Instant> rotationStarted,
            EnvelopeCodec desiredStateCodec, ReceiptSigner receiptSigner) {

        List<VerificationKey> trusted() {
            List<VerificationKey> keys = new ArrayList<>();
            keys.add(active.verificationKey());
            incoming.ifPresent(k -> keys.add(k.verificationKey()));
            return List.copyOf(keys);
        }
    }

    private final Path activeFile;
    private final Path incomingFile;
    private final Path startedFile;
    private final EnvelopeCodec agentMessageCodec;
    private volatile Ring ring;

    ProtocolKeys(SigningKeyConfig config) {
        this.activeFile = config.signingKeyFile();
        this.incomingFile = activeFile.resolveSibling(activeFile.getFileName() + ".next");
        this.startedFile = activeFile.resolveSibling(activeFile.getFileName() + ".next.started");
        try {
            SigningKey active = SigningKey.loadOrGenerate(activeFile, new SecureRandom());
            Optional<SigningKey> incoming = Files.isRegularFile(incomingFile)
                    ? Optional.of(SigningKey.loadOrGenerate(incomingFile, new SecureRandom())) : Optional.empty();
            Optional<Instant> started = incoming.isPresent() && Files.isRegularFile(startedFile)
                    ? Optional.of(Instant.parse(Files.readString(startedFile).strip())) : incoming.map(k -> Instant.EPOCH);
            this.ring = ring(active, incoming, started);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the signing key " + activeFile, e);
        }
        LOG.infof("Signing desired state with key %s (public key %s)%s", ring.active().keyId(),
                ring.active().verificationKey().toBase64(), ring.incoming().map(k -> "; rotating to key " + k.keyId()).orElse(""));
        // Agents sign with their own keys, registered at enrollment: see AgentReportVerifier.
        this.agentMessageCodec = EnvelopeCodec.builder(SOURCE).requireSignature(true).build();
    }

    private static Ring ring(SigningKey active, Optional<SigningKey> incoming, Optional<Instant> started) {
        return new Ring(active, incoming, started, EnvelopeCodec.builder(SOURCE).signWith(active).build(),
                new ReceiptSigner(active));
    }

    /** The active key's public half. */
    public VerificationKey verificationKey() {
        return ring.active().verificationKey();
    }

    /** What agents must trust now: the active key, and the incoming one during a rotation. */
    public List<VerificationKey> trustedKeys() {
        return ring.trusted();
    }

    public Optional<VerificationKey> incomingKey() {
        return ring.incoming().map(SigningKey::verificationKey);
    }

    public Optional<Instant> rotationStarted() {
        return ring.rotationStarted();
    }

    public EnvelopeCodec desiredStateCodec() {
        return ring.desiredStateCodec();
    }

    /** Signs routing receipts with the active key. */
    public ReceiptSigner receiptSigner() {
        return ring.receiptSigner();
    }

    /**
     * The public halves of every key a receipt may have been signed with: the active key, the incoming one during a
     * rotation, and the retired ones ({@code retired/<key id>.key}), so that receipts signed before a rotation still
     * verify. A retired file that cannot be read is skipped with a warning.
     */
    public List<VerificationKey> publishedKeys() {
        List<VerificationKey> keys = new ArrayList<>(ring.trusted());
        Path retired = activeFile.resolveSibling("retired");
        if (!Files.isDirectory(retired)) {
            return keys;
        }
        try (var files = Files.list(retired)) {
            files.filter(f -> f.getFileName().toString().endsWith(".key")).sorted().forEach(f -> {
                try {
                    VerificationKey key = SigningKey.fromBase64(Files.readString(f)).verificationKey();
                    if (!keys.contains(key)) {
                        keys.add(key);
                    }
                } catch (IOException | IllegalArgumentException e) {
                    LOG.warnf("Retired signing key %s cannot be read, so it is not published: %s", f, e.getMessage());
                }
            });
        } catch (IOException e) {
            LOG.warnf("The retired signing keys in %s cannot be listed: %s", retired, e.getMessage());
        }
        return keys;
    }

    public EnvelopeCodec agentMessageCodec() {
        return agentMessageCodec;
    }

    /** Makes a new key and trusts it beside the active one; false when a rotation is already under way. */
    public synchronized boolean beginRotation(Instant now) {
        if (ring.incoming().isPresent()) {
            return false;
        }
        try {
            SigningKey next = SigningKey.loadOrGenerate(incomingFile, new SecureRandom());
            Files.writeString(startedFile, now.toString() + "\n");
            ring = ring(ring.active(), Optional.of(next), Optional.of(now));
            LOG.infof("Signing-key rotation started: key %s is trusted beside %s", next.keyId(), ring.active().keyId());
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the incoming signing key " + incomingFile, e);
        }
    }

    /** The incoming key becomes the active one; the former active key is moved to {@code retired/}. */
    public synchronized VerificationKey completeRotation() {
        SigningKey next = ring.incoming().orElseThrow(() -> new IllegalStateException("no rotation under way"));
        SigningKey former = ring.active();
        try {
            Path retired = activeFile.resolveSibling("retired");
            Files.createDirectories(retired);
            Files.copy(activeFile, retired.resolve(former.keyId() + ".key"), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.COPY_ATTRIBUTES);
            Files.move(incomingFile, activeFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.deleteIfExists(startedFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot switch to the incoming signing key " + incomingFile, e);
        }
        ring = ring(next, Optional.empty(), Optional.empty());
        LOG.infof("Signing-key rotation done: signing with key %s; key %s retired", next.keyId(), former.keyId());
        return former.verificationKey();
    }
}
