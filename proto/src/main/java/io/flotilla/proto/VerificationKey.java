package io.flotilla.proto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/** An Ed25519 public key and its key id: the first 8 bytes of SHA-256 over the raw key, in hex. */
public final class VerificationKey {

    private final Ed25519PublicKeyParameters publicKey;
    private final String keyId;
    private final String base64;

    private VerificationKey(byte[] raw) {
        this.publicKey = new Ed25519PublicKeyParameters(raw, 0);
        this.keyId = keyIdOf(raw);
        this.base64 = Base64.getEncoder().encodeToString(raw);
    }

    static VerificationKey of(byte[] raw) {
        return new VerificationKey(raw);
    }

    /** From the 32-byte raw public key in base64, as the control plane publishes it. */
    public static VerificationKey fromBase64(String encoded) {
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(encoded.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("public key is not valid base64", e);
        }
        if (raw.length != Ed25519PublicKeyParameters.KEY_SIZE) {
            throw new IllegalArgumentException("public key must be " + Ed25519PublicKeyParameters.KEY_SIZE
                    + " raw Ed25519 bytes, got " + raw.length);
        }
        return new VerificationKey(raw);
    }

    /** From the 32 raw key bytes, as a JWK's {@code x} carries them. */
    public static VerificationKey fromRaw(byte[] raw) {
        if (raw.length != Ed25519PublicKeyParameters.KEY_SIZE) {
            throw new IllegalArgumentException("public key must be " + Ed25519PublicKeyParameters.KEY_SIZE
                    + " raw Ed25519 bytes, got " + raw.length);
        }
        return new VerificationKey(raw.clone());
    }

    /** The 32 raw key bytes. */
    public byte[] raw() {
        return publicKey.getEncoded();
    }

    public String keyId() {
        return keyId;
    }

    public String toBase64() {
        return base64;
    }

    /** Whether {@code signature} is this key's Ed25519 signature of {@code message}. */
    public boolean verify(byte[] message, byte[] signature) {
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, publicKey);
        verifier.update(message, 0, message.length);
        return verifier.verifySignature(signature);
    }

    private static String keyIdOf(byte[] raw) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(raw);
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VerificationKey other && other.base64.equals(base64);
    }

    @Override
    public int hashCode() {
        return base64.hashCode();
    }

    @Override
    public String toString() {
        return "Ed25519 key " + keyId;
    }
}
