package io.flotilla.agent.probe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;

/**
 * What peers' {@link LatencyProber}s measure against: a TCP listener that accepts and closes at
 * once. The handshake is the measurement, so no protocol is spoken and nothing is read; one
 * virtual thread accepts, and a connection costs a file descriptor for microseconds.
 */
public final class ProbeEndpoint implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ProbeEndpoint.class.getName());

    private final ServerSocket server;
    private final Thread acceptor;

    private ProbeEndpoint(ServerSocket server) {
        this.server = server;
        this.acceptor = Thread.ofVirtual().name("flotilla-probe-endpoint").start(this::accept);
    }

    /** Listens on {@code host:port}; port 0 picks a free one (see {@link #port()}). */
    public static ProbeEndpoint listen(String hostAndPort) {
        InetSocketAddress address = LatencyProber.hostAndPort(hostAndPort);
        if (address == null) {
            throw new IllegalArgumentException("probe endpoint address '" + hostAndPort
                    + "' is not of the form host:port (e.g. 0.0.0.0:9477)");
        }
        try {
            ServerSocket server = new ServerSocket();
            server.bind(new InetSocketAddress(address.getHostString(), address.getPort()), 64);
            return new ProbeEndpoint(server);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for latency probes on " + hostAndPort, e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try (Socket ignored = server.accept()) {
                // the peer has its round trip; closing is all that is left to do
            } catch (SocketException e) {
                if (!server.isClosed()) {
                    LOG.log(System.Logger.Level.WARNING, "probe endpoint accept failed: {0}", e.getMessage());
                }
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "probe endpoint accept failed: {0}", e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        try {
            server.close();
            acceptor.join();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
