package io.flotilla.controlplane.tls;

import io.flotilla.controlplane.broker.TestCertificateAuthority;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Before the control plane starts: a test CA with a server certificate for localhost / 127.0.0.1 as PEM files, a
 * second CA that signed nothing here (what a client trusting someone else's CA holds), and the HTTPS settings an
 * operator would give, with plain HTTP disabled. Init arguments: {@value #TLS_NAME} puts the key pair in a named TLS
 * configuration that both the main server and the router's own port name; without it, the default configuration
 * ({@code quarkus.tls.key-store.*}), which both pick up by themselves. {@value #ROUTER_OWN_PORT}={@code true} serves
 * /v1 on a port of its own.
 */
public class TestCertificatesResource implements QuarkusTestResourceLifecycleManager {

    static final String TLS_NAME = "tls-configuration-name";
    static final String ROUTER_OWN_PORT = "router-own-port";
    /** Test-only properties: where the clients of the tests find the CAs, and the HTTP port that must stay closed. */
    static final String CA_PROPERTY = "flotilla-test.https.ca";
    static final String FOREIGN_CA_PROPERTY = "flotilla-test.https.foreign-ca";
    static final String CLOSED_HTTP_PORT_PROPERTY = "flotilla-test.https.closed-http-port";

    private String tlsName;
    private boolean routerOwnPort;
    private Path dir;

    @Override
    public void init(Map<String, String> initArgs) {
        tlsName = initArgs.get(TLS_NAME);
        routerOwnPort = Boolean.parseBoolean(initArgs.get(ROUTER_OWN_PORT));
    }

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory("flotilla-https-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for the test certificates", e);
        }
        TestCertificateAuthority ca = TestCertificateAuthority.create(dir.resolve("server"));
        TestCertificateAuthority foreign = TestCertificateAuthority.create(dir.resolve("foreign"));
        String bucket = tlsName == null ? "quarkus.tls." : "quarkus.tls." + tlsName + ".";
        String httpPort = freePort();
        Map<String, String> config = new HashMap<>();
        config.put(bucket + "key-store.pem.0.cert", ca.serverCertificate().toString());
        config.put(bucket + "key-store.pem.0.key", ca.serverKey().toString());
        config.put("quarkus.http.insecure-requests", "disabled");
        config.put("quarkus.http.test-ssl-port", freePort());
        // a fixed test port instead of a random one, so that the test can check that nothing listens on it
        config.put("quarkus.http.test-port", httpPort);
        if (tlsName != null) {
            config.put("quarkus.http.tls-configuration-name", tlsName);
            config.put("flotilla.router.tls-configuration-name", tlsName);
        }
        if (routerOwnPort) {
            config.put("flotilla.router.port", freePort());
        }
        config.put(CA_PROPERTY, ca.caCertificate().toString());
        config.put(FOREIGN_CA_PROPERTY, foreign.caCertificate().toString());
        config.put(CLOSED_HTTP_PORT_PROPERTY, httpPort);
        return config;
    }

    @Override
    public void stop() {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the test certificates under " + dir, e);
        }
    }

    private static String freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return Integer.toString(socket.getLocalPort());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
