package io.flotilla.bench;

import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.EdECPoint;
import java.security.spec.EdECPublicKeySpec;
import java.security.spec.NamedParameterSpec;
import java.util.Random;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.generators.Ed25519KeyPairGenerator;
import org.bouncycastle.crypto.params.Ed25519KeyGenerationParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * What checking one Ed25519 signature costs, the largest part of telemetry ingestion: BouncyCastle's
 * {@code Ed25519Signer} as {@code io.flotilla.proto.VerificationKey} uses it (a new verifier per check) against the
 * JDK's own EdDSA, alternated in one run on one thread, over a message the size of an 8-GPU telemetry report.
 *
 * <pre>./flotilla java -cp bench/target/benchmarks.jar io.flotilla.bench.SignatureCost [rounds]</pre>
 */
public final class SignatureCost {

    private static final int PER_ROUND = 4000;

    private SignatureCost() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 6;
        byte[] message = new byte[600];
        new Random(1).nextBytes(message);
        var generator = new Ed25519KeyPairGenerator();
        generator.init(new Ed25519KeyGenerationParameters(new SecureRandom()));
        AsymmetricCipherKeyPair pair = generator.generateKeyPair();
        var signer = new Ed25519Signer();
        signer.init(true, pair.getPrivate());
        signer.update(message, 0, message.length);
        byte[] signature = signer.generateSignature();
        var publicKey = (Ed25519PublicKeyParameters) pair.getPublic();
        PublicKey jdkKey = jdkKey(publicKey.getEncoded());
        Signature jdk = Signature.getInstance("Ed25519");
        for (int round = 0; round < rounds; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < PER_ROUND; i++) {
                var verifier = new Ed25519Signer();
                verifier.init(false, publicKey);
                verifier.update(message, 0, message.length);
                if (!verifier.verifySignature(signature)) {
                    throw new AssertionError("BouncyCastle refused a good signature");
                }
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < PER_ROUND; i++) {
                jdk.initVerify(jdkKey);
                jdk.update(message);
                if (!jdk.verify(signature)) {
                    throw new AssertionError("the JDK's check refused a good signature");
                }
            }
            long t2 = System.nanoTime();
            System.out.printf("round %d: BouncyCastle (as Flotilla) %,.0f checks/s, JDK EdDSA %,.0f checks/s, JDK/BouncyCastle time %.2f%n",
                    round, PER_ROUND / ((t1 - t0) / 1e9), PER_ROUND / ((t2 - t1) / 1e9), (double) (t2 - t1) / (t1 - t0));
        }
    }

    /** The same raw key (RFC 8032: y little-endian, the top bit the sign of x) as a JDK public key. */
    private static PublicKey jdkKey(byte[] raw) throws Exception {
        byte[] y = raw.clone();
        boolean xOdd = (y[31] & 0x80) != 0;
        y[31] &= 0x7f;
        for (int i = 0; i < 16; i++) {
            byte t = y[i];
            y[i] = y[31 - i];
            y[31 - i] = t;
        }
        return KeyFactory.getInstance("Ed25519").generatePublic(
                new EdECPublicKeySpec(NamedParameterSpec.ED25519, new EdECPoint(xOdd, new BigInteger(1, y))));
    }
}
