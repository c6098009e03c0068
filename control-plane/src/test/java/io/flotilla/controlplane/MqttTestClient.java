package io.flotilla.controlplane;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/**
 * A plain MQTT 5 client for tests. By default it connects with the control plane's own broker credentials, so one
 * client can play the agents of many clusters (their messages must still be signed with each cluster's key: see
 * {@link TestAgents}); {@link #as} connects with a cluster's credentials, as its agent would.
 */
public final class MqttTestClient implements AutoCloseable {

    private final MqttClient client;
    private final MqttProperties connack;
    private final Map<String, byte[]> lastByTopic = new ConcurrentHashMap<>();
    private final Map<String, Integer> countByTopic = new ConcurrentHashMap<>();

    public MqttTestClient(int port) throws MqttException {
        this(port, ConfigProvider.getConfig().getValue("flotilla.broker.username", String.class),
                ConfigProvider.getConfig().getValue("flotilla.broker.password", String.class), "test-" + UUID.randomUUID());
    }

    private MqttTestClient(int port, String username, String password, String clientId) throws MqttException {
        client = new MqttClient("tcp://127.0.0.1:" + port, clientId, new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        if (username != null) {
            options.setUserName(username);
            options.setPassword(password.getBytes(StandardCharsets.UTF_8));
        }
        connack = client.connectWithResult(options).getResponseProperties();
    }

    /** The Topic Alias Maximum the broker granted in its CONNACK: 0 when it sent none (no aliases allowed). */
    public int grantedTopicAliasMaximum() {
        Integer granted = connack == null ? null : connack.getTopicAliasMaximum();
        return granted == null ? 0 : granted;
    }

    /** Connected with these credentials and client id (null user name: anonymous); throws when the broker refuses. */
    public static MqttTestClient as(int port, String username, String password, String clientId) throws MqttException {
        return new MqttTestClient(port, username, password, clientId);
    }

    public boolean isConnected() {
        return client.isConnected();
    }

    /** Subscribes and answers the reason code the broker gave (0-2 granted QoS, 0x80 and above refused). */
    public int subscribeAnswering(String topic) throws MqttException {
        IMqttMessageListener listener = (t, m) -> {
            lastByTopic.put(t, m.getPayload());
            countByTopic.merge(t, 1, Integer::sum);
        };
        var token = client.subscribe(new MqttSubscription[] {new MqttSubscription(topic, 1)},
                new IMqttMessageListener[] {listener});
        return token.getReasonCodes()[0];
    }

    public void subscribe(String topic) throws MqttException {
        IMqttMessageListener listener = (t, m) -> {
            lastByTopic.put(t, m.getPayload());
            countByTopic.merge(t, 1, Integer::sum);
        };
        // the array overload: Paho 1.2.5's single-topic subscribe overflows the stack
        client.subscribe(new MqttSubscription[] {new MqttSubscription(topic, 1)}, new IMqttMessageListener[] {listener});
    }

    public byte[] last(String topic) {
        return lastByTopic.get(topic);
    }

    /** How many messages arrived on {@code topic}, the retained one at subscription included. */
    public int count(String topic) {
        return countByTopic.getOrDefault(topic, 0);
    }

    public void publish(String topic, byte[] payload, boolean retained) throws MqttException {
        publish(topic, payload, retained, 1);
    }

    /**
     * QoS 0, as agents may send telemetry: for bursts, which at QoS 1 sometimes fail with "too many publishes in
     * progress" in Paho 1.2.5 even though each publish waits for its acknowledgement.
     */
    public void publishAtMostOnce(String topic, byte[] payload) throws MqttException {
        publish(topic, payload, false, 0);
    }

    private void publish(String topic, byte[] payload, boolean retained, int qos) throws MqttException {
        MqttMessage message = new MqttMessage(payload);
        message.setQos(qos);
        message.setRetained(retained);
        client.publish(topic, message);
    }

    @Override
    public void close() throws MqttException {
        if (client.isConnected()) {
            // Bounded twice over. Paho's default quiesce waits up to 30 s for work in flight, and a publish the broker
            // refused (PUBACK "not authorized") stays in flight: RogueClientTest once spent 60 s here; this client's
            // publishes wait for their acknowledgement, so only such refused ones can be left. And disconnect() waits
            // for its answer without any limit: when Paho closes the connection itself after such a PUBACK just
            // after isConnected() said yes, that answer never comes, and RogueClientTest hung the suite.
            try {
                client.disconnectForcibly(100, 1_000, true);
            } catch (MqttException alreadyGone) {
                // the connection closed meanwhile: nothing left to disconnect
            }
        }
        client.close(true);
    }
}
