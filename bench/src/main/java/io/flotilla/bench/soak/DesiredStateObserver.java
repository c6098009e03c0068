package io.flotilla.bench.soak;

import io.flotilla.proto.EnvelopeCodec;
import io.flotilla.proto.ProtocolException;
import io.flotilla.proto.Topics;
import io.flotilla.proto.VerificationKey;
import io.flotilla.proto.v1.DesiredState;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.mqttv5.client.IMqttToken;
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
 * Reads every cluster's desired topic on the broker, as the control plane's broker user, and tells the
 * {@link GenerationTracker} each generation published (signature checked against the control plane's key, fetched
 * again when a message is signed with another one).
 */
final class DesiredStateObserver implements AutoCloseable {

    private final MqttAsyncClient client;
    private final GenerationTracker tracker;
    private final Callable<String> signingKey;
    private volatile EnvelopeCodec codec;
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong unreadable = new AtomicLong();
    private volatile String lastProblem = "";

    private DesiredStateObserver(MqttAsyncClient client, GenerationTracker tracker, Callable<String> signingKey)
            throws Exception {
        this.client = client;
        this.tracker = tracker;
        this.signingKey = signingKey;
        this.codec = codec(signingKey.call());
    }

    static DesiredStateObserver start(String brokerUrl, String user, String password, GenerationTracker tracker,
            Callable<String> signingKey) throws Exception {
        MqttAsyncClient client = new MqttAsyncClient(brokerUrl, "flotilla-soak-observer-" + UUID.randomUUID(),
                new MemoryPersistence());
        DesiredStateObserver observer = new DesiredStateObserver(client, tracker, signingKey);
        client.setCallback(observer.new Callback());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        options.setAutomaticReconnect(true);
        options.setUserName(user);
        options.setPassword(password.getBytes(StandardCharsets.UTF_8));
        client.connect(options).waitForCompletion(15_000);
        observer.subscribe().waitForCompletion(15_000);
        return observer;
    }

    private IMqttToken subscribe() throws MqttException {
        return client.subscribe(new MqttSubscription(Topics.allClusters(Topics.Kind.DESIRED), 1));
    }

    private static EnvelopeCodec codec(String key) {
        return EnvelopeCodec.builder("flotilla-soak").trust(VerificationKey.fromBase64(key)).build();
    }

    /** Desired-state messages received. */
    long received() {
        return received.get();
    }

    /** Messages that could not be read (and the last reason), which should be none. */
    long unreadable() {
        return unreadable.get();
    }

    String lastProblem() {
        return lastProblem;
    }

    private void onDesired(String topic, byte[] payload) {
        Optional<Topics.Parsed> parsed = Topics.parse(topic);
        if (parsed.isEmpty() || payload.length == 0) {
            return; // a cleared retained message
        }
        String cluster = parsed.get().clusterId();
        long now = System.nanoTime();
        try {
            DesiredState state;
            try {
                state = codec.decode(payload, cluster, DesiredState.getDefaultInstance()).payload();
            } catch (ProtocolException e) {
                if (e.reason() != ProtocolException.Reason.UNKNOWN_KEY) {
                    throw e;
                }
                codec = codec(signingKey.call()); // the control plane rotated its key
                state = codec.decode(payload, cluster, DesiredState.getDefaultInstance()).payload();
            }
            received.incrementAndGet();
            tracker.desired(cluster, state.getGeneration(), now);
        } catch (Exception e) {
            unreadable.incrementAndGet();
            lastProblem = topic + ": " + e;
        }
    }

    @Override
    public void close() {
        try {
            client.disconnect(2000).waitForCompletion(3000);
        } catch (MqttException e) {
            // best effort: the soak is over
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            // best effort
        }
    }

    private final class Callback implements MqttCallback {
        @Override
        public void messageArrived(String topic, MqttMessage message) {
            onDesired(topic, message.getPayload());
        }

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
            if (reconnect) {
                try {
                    subscribe(); // not waited for: this is Paho's callback thread
                } catch (MqttException e) {
                    lastProblem = "subscribing again after a reconnect failed: " + e;
                }
            }
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
        }
    }
}
