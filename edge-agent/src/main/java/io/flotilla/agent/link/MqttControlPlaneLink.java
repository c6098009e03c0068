package io.flotilla.agent.link;

import io.flotilla.agent.identity.PinnedTrust;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/**
 * The production link: one Paho MQTT v5 session per agent.
 *
 * <ul>
 *   <li>Persistent session (clean start off, session expiry), so QoS 1 desired state published
 *       while the agent was away is still delivered.</li>
 *   <li>Presence: the will message is the retained OFFLINE presence, so the broker announces an
 *       unclean departure; ONLINE is published retained on every connect and OFFLINE on close. The
 *       will and the ONLINE of one connect are one {@link PresencePair}, with one envelope time.</li>
 *   <li>TLS ({@code ssl://}) trusts only the broker CA given in the settings, host name checked; without
 *       one, the JDK's trust store.</li>
 *   <li>Announces an MQTT 5 Maximum Packet Size: the broker drops a larger message for this client
 *       instead of sending it, so a huge retained message cannot exhaust a small agent's heap.</li>
 *   <li>Reconnects itself with exponential backoff and jitter (Paho's automatic reconnect has no
 *       jitter and does not retry a failed first connect, which an agent started before its
 *       broker needs).</li>
 * </ul>
 */
public final class MqttControlPlaneLink implements ControlPlaneLink {

    private static final System.Logger LOG = System.getLogger(MqttControlPlaneLink.class.getName());

    /**
     * How the link connects; presence payloads are already encoded by the caller.
     *
     * @param presence          builds the presence pair of one connect (called once per connect, and once more
     *                          on close for a fresh OFFLINE)
     * @param brokerCaPem       the only CA(s) trusted for an {@code ssl://} broker, in PEM; empty for the JDK's
     *                          trust store
     * @param maximumPacketSize the largest MQTT packet, in bytes, this client accepts from the broker
     */
    public record Settings(
            String brokerUrl,
            String clientId,
            Optional<String> username,
            Optional<String> password,
            String desiredTopic,
            String presenceTopic,
            Supplier<PresencePair> presence,
            Duration sessionExpiry,
            Duration keepAlive,
            Backoff reconnectBackoff,
            Optional<String> brokerCaPem,
            long maximumPacketSize) {

        /** The largest packet MQTT allows: 268,435,455 bytes of remaining length plus a 5-byte fixed header. */
        public static final long MQTT_MAX_PACKET_SIZE = 268_435_460L;

        public Settings {
            Objects.requireNonNull(brokerUrl, "brokerUrl");
            Objects.requireNonNull(clientId, "clientId");
            Objects.requireNonNull(desiredTopic, "desiredTopic");
            Objects.requireNonNull(presenceTopic, "presenceTopic");
            Objects.requireNonNull(presence, "presence");
            Objects.requireNonNull(brokerCaPem, "brokerCaPem");
            if (maximumPacketSize <= 0 || maximumPacketSize > MQTT_MAX_PACKET_SIZE) {
                throw new IllegalArgumentException("maximum packet size must be 1.." + MQTT_MAX_PACKET_SIZE
                        + " bytes, got " + maximumPacketSize);
            }
        }
    }

    /** Connect timeout; a connect in flight for three times this is taken as stuck and its client replaced. */
    private static final int CONNECT_TIMEOUT_SECONDS = 10;

    private final Settings settings;
    private final ScheduledExecutorService pahoExecutor;
    private final ScheduledExecutorService reconnector;
    private final ReconnectSupervisor supervisor;
    /** The pinned broker CA's socket factory; null for plain TCP or the JDK's trust store. */
    private final SSLSocketFactory socketFactory;
    private volatile MqttAsyncClient client;
    /** The presence pair of the connect in flight or completed last: its OFFLINE is that connection's will. */
    private volatile PresencePair connectPresence;
    private volatile Listener listener;
    private volatile boolean closed;

    public MqttControlPlaneLink(Settings settings) {
        this(settings, null);
    }

    /**
     * @param pahoExecutor an executor shared by many links in one JVM (Paho runs its loops on it as
     *                     long-running tasks, so it needs many threads: virtual ones), or null for
     *                     Paho's own; the caller owns it and shuts it down
     */
    public MqttControlPlaneLink(Settings settings, ScheduledExecutorService pahoExecutor) {
        this.settings = settings;
        this.pahoExecutor = pahoExecutor;
        this.socketFactory = socketFactory(settings);
        this.client = newClient();
        this.reconnector = Executors.newSingleThreadScheduledExecutor(pahoExecutor == null
                ? Thread.ofPlatform().name("flotilla-mqtt-reconnect").daemon().factory()
                : Thread.ofVirtual().name("flotilla-mqtt-reconnect-" + settings.clientId()).factory());
        Duration check = settings.keepAlive().isZero() ? Duration.ofSeconds(30) : settings.keepAlive();
        this.supervisor = new ReconnectSupervisor(reconnector, new ReconnectSupervisor.Actions() {
            @Override
            public void connect() {
                MqttControlPlaneLink.this.connect();
            }

            @Override
            public void reset() {
                replaceClient();
            }
        }, () -> client.isConnected(), settings.reconnectBackoff(), check,
                Duration.ofSeconds(3L * CONNECT_TIMEOUT_SECONDS), System::nanoTime);
    }

    private static SSLSocketFactory socketFactory(Settings settings) {
        boolean tls = settings.brokerUrl().startsWith("ssl://");
        if (!tls) {
            if (settings.brokerCaPem().isPresent()) {
                LOG.log(Level.WARNING, "a broker CA is configured but {0} is not ssl://: the connection is not "
                        + "encrypted and the CA is not used", settings.brokerUrl());
            }
            return null;
        }
        if (settings.brokerCaPem().isEmpty()) {
            LOG.log(Level.INFO, "no broker CA pinned for {0}: trusting the JDK trust store", settings.brokerUrl());
            return null;
        }
        return PinnedTrust.sslContext(settings.brokerCaPem().get(), "the broker CA for " + settings.brokerUrl())
                .getSocketFactory();
    }

    private MqttAsyncClient newClient() {
        try {
            MqttAsyncClient c = pahoExecutor == null
                    ? new MqttAsyncClient(settings.brokerUrl(), settings.clientId(), new MemoryPersistence())
                    : new MqttAsyncClient(settings.brokerUrl(), settings.clientId(), new MemoryPersistence(), null,
                            pahoExecutor);
            c.setCallback(new Callback());
            return c;
        } catch (MqttException e) {
            throw new IllegalArgumentException("cannot create an MQTT client for " + settings.brokerUrl() + ": "
                    + e.getMessage(), e);
        }
    }

    /** Drops a client whose connect never completed; the broker keeps the session, so nothing sent to us is lost. */
    private void replaceClient() {
        MqttAsyncClient stuck = client;
        client = newClient();
        try {
            stuck.disconnectForcibly(0, 0, false);
        } catch (MqttException | RuntimeException e) {
            LOG.log(Level.DEBUG, "dropping the stuck MQTT client: {0}", e.getMessage());
        }
        try {
            stuck.close(true);
        } catch (MqttException | RuntimeException e) {
            LOG.log(Level.DEBUG, "closing the stuck MQTT client: {0}", e.getMessage());
        }
    }

    @Override
    public void start(Listener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        supervisor.start();
    }

    @Override
    public boolean isConnected() {
        return !closed && client.isConnected();
    }

    @Override
    public void publish(OutboundMessage message) throws LinkUnavailableException {
        if (!isConnected()) {
            throw new LinkUnavailableException("not connected to " + settings.brokerUrl());
        }
        try {
            client.publish(message.topic(), message.payload(), message.qos(), message.retained());
        } catch (MqttException e) {
            throw new LinkUnavailableException("publish to " + message.topic() + " refused: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        supervisor.stop();
        reconnector.shutdownNow();
        try {
            if (client.isConnected()) {
                // a clean disconnect suppresses the will, so announce the departure ourselves
                client.publish(settings.presenceTopic(), settings.presence().get().offline(), 1, true)
                        .waitForCompletion(TimeUnit.SECONDS.toMillis(5));
                client.disconnect(TimeUnit.SECONDS.toMillis(5)).waitForCompletion(TimeUnit.SECONDS.toMillis(6));
            }
        } catch (MqttException e) {
            LOG.log(Level.WARNING, "MQTT disconnect from {0} was not clean: {1}", settings.brokerUrl(), e.getMessage());
        } finally {
            try {
                client.close(true);
            } catch (MqttException e) {
                LOG.log(Level.DEBUG, "closing the MQTT client failed", e);
            }
        }
    }

    private MqttConnectionOptions options(PresencePair presence) {
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(false);
        options.setSessionExpiryInterval(settings.sessionExpiry().toSeconds());
        options.setKeepAliveInterval((int) settings.keepAlive().toSeconds());
        options.setConnectionTimeout(CONNECT_TIMEOUT_SECONDS);
        options.setAutomaticReconnect(false);
        settings.username().ifPresent(options::setUserName);
        settings.password().ifPresent(p -> options.setPassword(p.getBytes(StandardCharsets.UTF_8)));
        options.setMaximumPacketSize(settings.maximumPacketSize());
        if (socketFactory != null) {
            options.setSocketFactory(socketFactory);
        }
        options.setHttpsHostnameVerificationEnabled(true);
        MqttMessage will = new MqttMessage(presence.offline(), 1, true, new MqttProperties());
        options.setWill(settings.presenceTopic(), will);
        return options;
    }

    /** One connect; only the supervisor calls this, so there is never a second one in flight. */
    private void connect() {
        MqttAsyncClient c = client;
        if (closed || c.isConnected()) {
            return;
        }
        supervisor.connecting();
        try {
            PresencePair presence = settings.presence().get();
            connectPresence = presence;
            c.connect(options(presence), null, new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    supervisor.connectEnded(true);
                }

                @Override
                public void onFailure(IMqttToken token, Throwable failure) {
                    LOG.log(Level.DEBUG, "connecting to {0} failed: {1}", settings.brokerUrl(),
                            failure == null ? "unknown" : failure.getMessage());
                    supervisor.connectEnded(false);
                }
            });
        } catch (MqttException | RuntimeException e) {
            LOG.log(Level.DEBUG, "connecting to {0} failed: {1}", settings.brokerUrl(), e.getMessage());
            supervisor.connectEnded(false);
        }
    }

    private void onDesired(String topic, MqttMessage message) {
        if (!settings.desiredTopic().equals(topic)) {
            return;
        }
        Listener l = listener;
        if (l != null) {
            l.onDesiredState(message.getPayload());
        }
    }

    private final class Callback implements MqttCallback {

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
            LOG.log(Level.INFO, "connected to {0} as {1}", serverURI, settings.clientId());
            try {
                client.publish(settings.presenceTopic(), connectPresence.online(), 1, true);
                // the multi-topic overload: the single-topic one overflows the stack in Paho 1.2.5
                client.subscribe(new MqttSubscription[] {new MqttSubscription(settings.desiredTopic(), 1)},
                        null, null, new IMqttMessageListener[] {MqttControlPlaneLink.this::onDesired},
                        new MqttProperties());
            } catch (MqttException e) {
                LOG.log(Level.WARNING, "subscribing to {0} failed, reconnecting: {1}", settings.desiredTopic(),
                        e.getMessage());
                try {
                    client.disconnect();
                } catch (MqttException ignored) {
                    // already gone; the retry below reconnects either way
                }
                supervisor.request();
                return;
            }
            Listener l = listener;
            if (l != null) {
                l.onConnected();
            }
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
            String cause = response.getReasonString() != null ? response.getReasonString()
                    : response.getException() != null ? response.getException().getMessage()
                    : "reason code " + response.getReturnCode();
            LOG.log(closed ? Level.DEBUG : Level.WARNING, "disconnected from {0}: {1}", settings.brokerUrl(), cause);
            Listener l = listener;
            if (l != null) {
                l.onDisconnected(cause);
            }
            supervisor.request();
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
            LOG.log(Level.WARNING, "MQTT error on {0}: {1}", settings.brokerUrl(), exception.getMessage());
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            // reaches here instead of the subscription listener when a resumed session delivers
            // before the subscription is renewed
            onDesired(topic, message);
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
        }
    }
}
