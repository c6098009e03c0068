package io.flotilla.controlplane.broker;

import io.flotilla.controlplane.auth.SecretFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The embedded broker's TLS identity when the operator gives none: a CA of its own and a server certificate it signs
 * for the configured host names, made on the first start and kept in {@code ${flotilla.data-dir}/broker-tls/}
 * (owner-only). Agents receive the CA certificate at enrollment and trust only it for this broker.
 */
public final class BrokerCertificates {

    static final String CA_FILE = "ca.crt";
    static final String KEY_STORE_FILE = "server.jks";
    static final String PASSWORD_FILE = "server.jks.password";
    private static final String ALIAS = "flotilla-broker";
    private static final Duration VALIDITY = Duration.ofDays(3650);

    /** Where the broker's key store is and the CA certificate agents pin, in PEM. */
    public record Material(Path keyStore, String keyStorePassword, String caCertificatePem) {
    }

    private BrokerCertificates() {
    }

    /** Reads the material from {@code dir}, or makes it there for {@code hostNames} (names or IP addresses). */
    public static synchronized Material loadOrCreate(Path dir, List<String> hostNames) {
        Path keyStore = dir.resolve(KEY_STORE_FILE);
        try {
            if (Files.isRegularFile(keyStore) && Files.isRegularFile(dir.resolve(CA_FILE))) {
                return new Material(keyStore, Files.readString(dir.resolve(PASSWORD_FILE)).strip(),
                        Files.readString(dir.resolve(CA_FILE)));
            }
            return create(dir, hostNames);
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot read or create the embedded broker's TLS certificate in " + dir
                    + ": " + e.getMessage(), e);
        }
    }

    private static Material create(Path dir, List<String> hostNames)
            throws IOException, GeneralSecurityException, OperatorCreationException {
        SecureRandom random = new SecureRandom();
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256, random);
        KeyPair caKeys = generator.generateKeyPair();
        KeyPair serverKeys = generator.generateKeyPair();
        Instant now = Instant.now();
        X500Name caName = new X500Name("CN=Flotilla embedded broker CA");
        X509Certificate ca = sign(new JcaX509v3CertificateBuilder(caName, serial(random), Date.from(now.minusSeconds(60)),
                Date.from(now.plus(VALIDITY)), caName, caKeys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)), caKeys);
        List<GeneralName> names = new ArrayList<>();
        for (String host : hostNames) {
            names.add(isAddress(host) ? new GeneralName(GeneralName.iPAddress, host) : new GeneralName(GeneralName.dNSName, host));
        }
        X509Certificate server = sign(new JcaX509v3CertificateBuilder(caName, serial(random),
                Date.from(now.minusSeconds(60)), Date.from(now.plus(VALIDITY)),
                new X500Name("CN=" + hostNames.getFirst()), serverKeys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new))),
                caKeys);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random.generateSeed(24));
        KeyStore store = KeyStore.getInstance("JKS");
        store.load(null, null);
        store.setKeyEntry(ALIAS, serverKeys.getPrivate(), password.toCharArray(), new Certificate[] {server, ca});
        Path keyStore = dir.resolve(KEY_STORE_FILE);
        SecretFiles.write(keyStore, out -> store.store(out, password.toCharArray()));
        SecretFiles.write(dir.resolve(PASSWORD_FILE), out -> out.write((password + "\n").getBytes()));
        String pem = pem(ca);
        SecretFiles.write(dir.resolve(CA_FILE), out -> out.write(pem.getBytes()));
        return new Material(keyStore, password, pem);
    }

    /** The first certificate of a PEM file, e.g. one an operator gives with {@code flotilla.broker.tls.ca-certificate}. */
    public static String readPem(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            Certificate c = CertificateFactory.getInstance("X.509").generateCertificate(in);
            return pem((X509Certificate) c);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the certificate " + file + ": " + e.getMessage(), e);
        }
    }

    static String pem(X509Certificate certificate) throws GeneralSecurityException {
        StringWriter w = new StringWriter();
        w.write("-----BEGIN CERTIFICATE-----\n");
        w.write(Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(certificate.getEncoded()));
        w.write("\n-----END CERTIFICATE-----\n");
        return w.toString();
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuer)
            throws OperatorCreationException, GeneralSecurityException {
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate())));
    }

    private static BigInteger serial(SecureRandom random) {
        return new BigInteger(64, random).abs().add(BigInteger.ONE);
    }

    private static boolean isAddress(String host) {
        return host.matches("\\d{1,3}(\\.\\d{1,3}){3}") || host.contains(":");
    }
}
