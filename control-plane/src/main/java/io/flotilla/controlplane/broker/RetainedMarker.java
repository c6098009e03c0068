package io.flotilla.controlplane.broker;

import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.messages.MqttSubAckMessage;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Tells whether the broker still holds the retained messages the control plane left there, by one retained message
 * of its own on {@link #TOPIC}: a broker that restarted without persistence (or was replaced) has lost it along with
 * every cluster's retained desired state. One short connection per check, as the control-plane user; blocking.
 */
public final class RetainedMarker implements AutoCloseable {

    /** Inside the control plane's namespace, where no agent may read or write. */
    public static final String TOPIC = "flotilla/v1/control-plane/retained-marker";

    private static final int SUBACK_FAILURE = 0x80;

    private final BrokerSettings settings;
    private final Duration timeout;
    private final MqttClient client;
    private final CompletableFuture<Boolean> retained = new CompletableFuture<>();

    private RetainedMarker(Vertx vertx, BrokerSettings settings, Duration timeout) {
        this.settings = settings;
        this.timeout = timeout;
        this.client = MqttClient.create(vertx, settings.clientOptions("flotilla-cp-marker-", 64 * 1024));
    }

    /** Connects and subscribes to the marker's topic. */
    public static RetainedMarker connect(Vertx vertx, BrokerSettings settings, Duration timeout) throws BrokerUnavailableException {
        RetainedMarker marker = new RetainedMarker(vertx, settings, timeout);
        try {
            CompletableFuture<MqttSubAckMessage> subAck = new CompletableFuture<>();
            marker.client.publishHandler(m -> {
                if (TOPIC.equals(m.topicName()) && m.payload().length() > 0) {
                    marker.retained.complete(true);
                }
            });
            marker.client.subscribeCompletionHandler(subAck::complete);
            marker.await(settings.serverName().isPresent()
                    ? marker.client.connect(settings.port(), settings.host(), settings.serverName().get())
                    : marker.client.connect(settings.port(), settings.host()), "connect to " + settings.address());
            marker.await(marker.client.subscribe(TOPIC, MqttQoS.AT_LEAST_ONCE.value()), "subscribe to " + TOPIC);
            MqttSubAckMessage ack = subAck.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (ack.grantedQoSLevels().isEmpty() || ack.grantedQoSLevels().getFirst() >= SUBACK_FAILURE) {
                throw new BrokerUnavailableException("user '" + settings.username().orElse("") + "' may not subscribe to "
                        + TOPIC + " on " + settings.address() + ": allow it flotilla/v1/# (deploy/broker/README.md)", null);
            }
            return marker;
        } catch (TimeoutException | ExecutionException e) {
            marker.close();
            throw new BrokerUnavailableException("no SUBACK for " + TOPIC + " from " + settings.address(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            marker.close();
            throw new BrokerUnavailableException("interrupted while connecting to " + settings.address(), e);
        } catch (BrokerUnavailableException e) {
            marker.close();
            throw e;
        }
    }

    /**
     * Whether the broker delivered the marker within {@code wait} of the subscription. A broker sends retained
     * messages right after the SUBACK; a slow one answers false, which costs a needless re-publication, never a loss.
     */
    public boolean present(Duration wait) throws InterruptedException {
        try {
            return retained.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return false;
        }
    }

    /** Leaves the marker on the broker (retained, QoS 1, acknowledged). */
    public void place(String content) throws BrokerUnavailableException {
        await(client.publish(TOPIC, Buffer.buffer(content), MqttQoS.AT_LEAST_ONCE, false, true), "publish to " + TOPIC);
    }

    private <T> T await(Future<T> future, String what) throws BrokerUnavailableException {
        return BrokerUnavailableException.await(future, timeout, what);
    }

    @Override
    public void close() {
        if (client.isConnected()) {
            client.disconnect();
        }
    }
}
