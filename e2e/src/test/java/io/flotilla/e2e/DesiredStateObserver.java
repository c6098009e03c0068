package io.flotilla.e2e;

import io.flotilla.proto.EnvelopeCodec;
import io.flotilla.proto.Topics;
import io.flotilla.proto.v1.DesiredState;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttSubscription;

/**
 * Watches every cluster's desired topic, retained copies included, as the control plane's broker user (the broker
 * refuses anonymous clients), and keeps every verified {@link DesiredState} each cluster was sent, in order of arrival.
 * Its memory outlives its MQTT session: {@link #reconnect()} after a broker restart keeps what was seen.
 */
final class DesiredStateObserver implements AutoCloseable {

    private final String brokerUrl;
    private final String password;
    private final EnvelopeCodec codec;
    private final Map<String, List<DesiredState>> received = new ConcurrentHashMap<>();
    private final List<BiConsumer<String, DesiredState>> listeners = new CopyOnWriteArrayList<>();
    private MqttClient client;

    DesiredStateObserver(int mqttPort, String password, EnvelopeCodec codec) throws MqttException {
        this.brokerUrl = "tcp://127.0.0.1:" + mqttPort;
        this.password = password;
        this.codec = codec;
        connect();
    }

    /** Called on Paho's thread for each verified desired state; must not block. */
    void onReceived(BiConsumer<String, DesiredState> listener) {
        listeners.add(listener);
    }

    /** A new session (the old one is dropped if still open): the broker sends the retained states again. */
    synchronized void reconnect() throws MqttException {
        disconnect();
        connect();
    }

    private synchronized void connect() throws MqttException {
        client = new MqttClient(brokerUrl, "desired-observer-" + System.nanoTime(), new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setUserName(ControlPlaneProcess.BROKER_USER);
        options.setPassword(password.getBytes(StandardCharsets.UTF_8));
        client.connect(options);
        String allDesired = Topics.ROOT + "+/" + Topics.Kind.DESIRED.level();
        client.subscribe(new MqttSubscription[] {new MqttSubscription(allDesired, 1)},
                new IMqttMessageListener[] {(topic, message) -> {
                    String cluster = Topics.parse(topic).orElseThrow().clusterId();
                    DesiredState state = codec.decode(message.getPayload(), cluster, DesiredState.getDefaultInstance())
                            .payload();
                    received.computeIfAbsent(cluster, c -> new CopyOnWriteArrayList<>()).add(state);
                    listeners.forEach(l -> l.accept(cluster, state));
                }});
    }

    /** The generations {@code cluster} was sent, in order of arrival. */
    List<Long> generations(String cluster) {
        return received.getOrDefault(cluster, List.of()).stream().map(DesiredState::getGeneration).toList();
    }

    /** The newest generation {@code cluster} was sent (0: none). */
    long newest(String cluster) {
        return received.getOrDefault(cluster, List.of()).stream().mapToLong(DesiredState::getGeneration).max().orElse(0);
    }

    /** The distinct desired states sent to {@code cluster} under {@code generation}: one, unless something is wrong. */
    Set<DesiredState> sentAs(String cluster, long generation) {
        Set<DesiredState> states = new HashSet<>();
        for (DesiredState s : received.getOrDefault(cluster, List.of())) {
            if (s.getGeneration() == generation) {
                states.add(s);
            }
        }
        return states;
    }

    /** For each cluster, every generation under which it was sent more than one distinct desired state. */
    Map<String, List<Long>> generationsWithDifferentPayloads() {
        Map<String, List<Long>> conflicts = new TreeMap<>();
        received.forEach((cluster, states) -> {
            Map<Long, Set<DesiredState>> byGeneration = new TreeMap<>();
            states.forEach(s -> byGeneration.computeIfAbsent(s.getGeneration(), g -> new HashSet<>()).add(s));
            List<Long> bad = new ArrayList<>();
            byGeneration.forEach((g, distinct) -> {
                if (distinct.size() > 1) {
                    bad.add(g);
                }
            });
            if (!bad.isEmpty()) {
                conflicts.put(cluster, bad);
            }
        });
        return conflicts;
    }

    /** How many messages arrived in all (duplicates and retained copies included). */
    int messages() {
        return received.values().stream().mapToInt(List::size).sum();
    }

    private synchronized void disconnect() {
        if (client == null) {
            return;
        }
        try {
            client.disconnectForcibly(0, 1000);
        } catch (MqttException e) {
            // the broker may be gone already
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            // nothing left to release
        }
        client = null;
    }

    @Override
    public void close() {
        disconnect();
    }
}
