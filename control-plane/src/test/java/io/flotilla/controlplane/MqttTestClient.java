package io.flotilla.controlplane;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;

/** A plain MQTT 5 client that plays an agent's side of the wire in tests. */
final class MqttTestClient implements AutoCloseable {

    private final MqttClient client;
    private final Map<String, byte[]> lastByTopic = new ConcurrentHashMap<>();
    private final Map<String, Integer> countByTopic = new ConcurrentHashMap<>();

    MqttTestClient(int port) throws MqttException {
        client = new MqttClient("tcp://127.0.0.1:" + port, "test-" + UUID.randomUUID(), new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        client.connect(options);
    }

    void subscribe(String topic) throws MqttException {
        IMqttMessageListener listener = (t, m) -> {
            lastByTopic.put(t, m.getPayload());
            countByTopic.merge(t, 1, Integer::sum);
        };
        // the array overload: Paho 1.2.5's single-topic subscribe overflows the stack
        client.subscribe(new MqttSubscription[] {new MqttSubscription(topic, 1)}, new IMqttMessageListener[] {listener});
    }

    byte[] last(String topic) {
        return lastByTopic.get(topic);
    }

    /** How many messages arrived on {@code topic}, the retained one at subscription included. */
    int count(String topic) {
        return countByTopic.getOrDefault(topic, 0);
    }

    void publish(String topic, byte[] payload, boolean retained) throws MqttException {
        publish(topic, payload, retained, 1);
    }

    /**
     * QoS 0, as agents may send telemetry: for bursts, which at QoS 1 sometimes fail with "too many publishes in
     * progress" in Paho 1.2.5 even though each publish waits for its acknowledgement.
     */
    void publishAtMostOnce(String topic, byte[] payload) throws MqttException {
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
        client.disconnect();
        client.close();
    }
}
