package io.flotilla.agent.identity;

import io.flotilla.proto.SigningKey;
import io.flotilla.proto.VerificationKey;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;

/**
 * The agent's own Ed25519 key pair, generated on the agent and never sent anywhere: only its
 * public half travels, in the enrollment exchange. Keeps the 32-byte seed beside the
 * {@link SigningKey} because the identity file has to hold it and SigningKey does not hand it out.
 */
public final class AgentKey {

    private static final int SEED_BYTES = 32;

    private final String seed;
    private final SigningKey signingKey;

    private AgentKey(String seed) {
        this.seed = seed;
        this.signingKey = SigningKey.fromBase64(seed);
    }

    /** A new key pair: 32 bytes from {@code random} are the Ed25519 seed, as {@link SigningKey#generate} takes them. */
    public static AgentKey generate(SecureRandom random) {
        byte[] raw = new byte[SEED_BYTES];
        random.nextBytes(raw);
        return new AgentKey(Base64.getEncoder().encodeToString(raw));
    }

    /** From the base64 seed the identity file holds. */
    static AgentKey fromSeed(String seed) {
        return new AgentKey(Objects.requireNonNull(seed, "seed"));
    }

    /** The base64 seed: only for the identity file. */
    String seed() {
        return seed;
    }

    public SigningKey signingKey() {
        return signingKey;
    }

    public VerificationKey publicKey() {
        return signingKey.verificationKey();
    }

    @Override
    public String toString() {
        return "agent key " + publicKey().keyId() + " (private half redacted)";
    }
}
