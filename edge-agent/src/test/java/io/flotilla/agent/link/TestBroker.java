package io.flotilla.agent.link;

import com.hivemq.embedded.EmbeddedHiveMQ;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** An embedded HiveMQ CE on 127.0.0.1 with a plain listener and, given a key store, a TLS one; in memory. */
public final class TestBroker implements AutoCloseable {

    private final EmbeddedHiveMQ hivemq;
    private final int port;
    private final int tlsPort;

    private TestBroker(EmbeddedHiveMQ hivemq, int port, int tlsPort) {
        this.hivemq = hivemq;
        this.port = port;
        this.tlsPort = tlsPort;
    }

    public static TestBroker start(Path dir) throws Exception {
        return start(dir, null, null);
    }

    /** @param keyStore a JKS key store holding the broker's key and certificate, or null for no TLS listener */
    static TestBroker start(Path dir, Path keyStore, String password) throws Exception {
        int port = freePort();
        int tlsPort = keyStore == null ? -1 : freePort();
        String tls = keyStore == null ? "" : """
                <tls-tcp-listener>
                    <port>%d</port>
                    <bind-address>127.0.0.1</bind-address>
                    <tls>
                        <keystore>
                            <path>%s</path>
                            <password>%s</password>
                            <private-key-password>%s</private-key-password>
                        </keystore>
                    </tls>
                </tls-tcp-listener>
                """.formatted(tlsPort, keyStore.toAbsolutePath(), password, password);
        Files.createDirectories(dir.resolve("conf"));
        Files.createDirectories(dir.resolve("data"));
        Files.createDirectories(dir.resolve("extensions"));
        Files.writeString(dir.resolve("conf/config.xml"), """
                <?xml version="1.0"?>
                <hivemq>
                    <listeners>
                        <tcp-listener>
                            <port>%d</port>
                            <bind-address>127.0.0.1</bind-address>
                        </tcp-listener>
                        %s
                    </listeners>
                    <persistence>
                        <mode>in-memory</mode>
                    </persistence>
                    <anonymous-usage-statistics>
                        <enabled>false</enabled>
                    </anonymous-usage-statistics>
                </hivemq>
                """.formatted(port, tls));
        EmbeddedHiveMQ hivemq = EmbeddedHiveMQ.builder()
                .withConfigurationFolder(dir.resolve("conf"))
                .withDataFolder(dir.resolve("data"))
                .withExtensionsFolder(dir.resolve("extensions"))
                .withoutLoggingBootstrap()
                .build();
        hivemq.start().get(60, TimeUnit.SECONDS);
        return new TestBroker(hivemq, port, tlsPort);
    }

    public String tcpUrl() {
        return "tcp://127.0.0.1:" + port;
    }

    String sslUrl(String host) {
        return "ssl://" + host + ":" + tlsPort;
    }

    @Override
    public void close() throws Exception {
        hivemq.stop().get(30, TimeUnit.SECONDS);
        hivemq.close();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
