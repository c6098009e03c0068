package io.flotilla.controlplane.broker;

import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.messages.MqttPublishMessage;
import io.vertx.mqtt.messages.MqttSubAckMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * One MQTT connection to the broker's dynamic security plugin: a batch of commands goes to
 * {@code $CONTROL/dynamic-security/v1}, its answers come back on {@code .../response}, matched by correlation data.
 * Blocking, for the single worker thread of {@link MosquittoDynamicSecurity}. Every control-plane replica subscribes
 * to the same response topic and so also sees the others' answers: the batch id in the correlation data tells them
 * apart.
 */
final class DynamicSecurityClient implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DynamicSecurityClient.class);
    private static final int SUBACK_FAILURE = 0x80;
    private static final int MAX_RESPONSE_BYTES = 1024 * 1024;

    private final Vertx vertx;
    private final BrokerSettings settings;
    private final Duration timeout;
    private final Map<String, CompletableFuture<JsonArray>> inflight = new ConcurrentHashMap<>();
    private MqttClient client;

    DynamicSecurityClient(Vertx vertx, BrokerSettings settings, Duration timeout) {
        this.vertx = vertx;
        this.settings = settings;
        this.timeout = timeout;
    }

    /**
     * The answers to {@code commands}, in their order. Each answer is the plugin's JSON for one command: an
     * {@code error} member when it refused it.
     *
     * @throws BrokerUnavailableException when the broker cannot be reached, refuses the connection, or does not
     *         answer in time: the batch may or may not have been applied; the caller retries it (every batch is
     *         idempotent in effect)
     */
    List<JsonObject> execute(List<JsonObject> commands) throws BrokerUnavailableException {
        ensureConnected();
        String batchId = UUID.randomUUID().toString();
        JsonArray batch = new JsonArray();
        for (int i = 0; i < commands.size(); i++) {
            batch.add(commands.get(i).copy().put("correlationData", batchId + "/" + i));
        }
        CompletableFuture<JsonArray> answer = new CompletableFuture<>();
        inflight.put(batchId, answer);
        try {
            await(client.publish(DynamicSecurityCommands.CONTROL_TOPIC,
                    Buffer.buffer(new JsonObject().put("commands", batch).encode()), MqttQoS.AT_LEAST_ONCE, false, false),
                    "publish to " + DynamicSecurityCommands.CONTROL_TOPIC);
            JsonArray responses = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return inOrder(batchId, commands.size(), responses);
        } catch (TimeoutException e) {
            throw new BrokerUnavailableException("no answer from the dynamic security plugin on " + settings.address()
                    + " within " + timeout.toSeconds() + " s: is the plugin loaded, and may user '"
                    + settings.username().orElse("") + "' publish to " + DynamicSecurityCommands.CONTROL_TOPIC
                    + " and subscribe to " + DynamicSecurityCommands.RESPONSE_TOPIC + "?", e);
        } catch (ExecutionException e) {
            throw new BrokerUnavailableException("connection to " + settings.address() + " lost while waiting for an answer",
                    e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerUnavailableException("interrupted while waiting for the dynamic security plugin", e);
        } finally {
            inflight.remove(batchId);
        }
    }

    private static List<JsonObject> inOrder(String batchId, int count, JsonArray responses) throws BrokerUnavailableException {
        JsonObject[] ordered = new JsonObject[count];
        for (Object o : responses) {
            if (o instanceof JsonObject response && response.getString("correlationData", "").startsWith(batchId + "/")) {
                int index = Integer.parseInt(response.getString("correlationData").substring(batchId.length() + 1));
                if (index >= 0 && index < count) {
                    ordered[index] = response;
                }
            }
        }
        List<JsonObject> result = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            if (ordered[i] == null) {
                throw new BrokerUnavailableException("the dynamic security plugin answered " + responses.size()
                        + " of " + count + " commands of a batch", null);
            }
            result.add(ordered[i]);
        }
        return result;
    }

    private void ensureConnected() throws BrokerUnavailableException {
        if (client != null && client.isConnected()) {
            return;
        }
        close();
        MqttClient fresh = MqttClient.create(vertx, settings.clientOptions("flotilla-cp-dynsec-", MAX_RESPONSE_BYTES));
        CompletableFuture<MqttSubAckMessage> subAck = new CompletableFuture<>();
        fresh.publishHandler(this::onMessage);
        fresh.subscribeCompletionHandler(subAck::complete);
        fresh.closeHandler(ignored -> failInflight());
        client = fresh;
        try {
            await(settings.serverName().isPresent()
                    ? fresh.connect(settings.port(), settings.host(), settings.serverName().get())
                    : fresh.connect(settings.port(), settings.host()), "connect to " + settings.address());
            await(fresh.subscribe(DynamicSecurityCommands.RESPONSE_TOPIC, MqttQoS.AT_LEAST_ONCE.value()),
                    "subscribe to " + DynamicSecurityCommands.RESPONSE_TOPIC);
            MqttSubAckMessage ack = subAck.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (ack.grantedQoSLevels().isEmpty() || ack.grantedQoSLevels().getFirst() == SUBACK_FAILURE) {
                throw new BrokerUnavailableException("user '" + settings.username().orElse("") + "' may not subscribe to "
                        + DynamicSecurityCommands.RESPONSE_TOPIC + " on " + settings.address()
                        + ": give it a role allowing $CONTROL/dynamic-security/# (deploy/broker/README.md)", null);
            }
            LOG.infof("Connected to the dynamic security plugin of %s as user '%s'", settings.address(),
                    settings.username().orElse(""));
        } catch (TimeoutException | ExecutionException e) {
            close();
            throw new BrokerUnavailableException("no SUBACK for " + DynamicSecurityCommands.RESPONSE_TOPIC + " from "
                    + settings.address(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new BrokerUnavailableException("interrupted while connecting to " + settings.address(), e);
        } catch (BrokerUnavailableException e) {
            close();
            throw e;
        }
    }

    private void onMessage(MqttPublishMessage message) {
        if (!DynamicSecurityCommands.RESPONSE_TOPIC.equals(message.topicName())) {
            return;
        }
        try {
            JsonArray responses = new JsonObject(message.payload()).getJsonArray("responses", new JsonArray());
            for (Object o : responses) {
                if (o instanceof JsonObject response) {
                    String correlation = response.getString("correlationData", "");
                    int slash = correlation.indexOf('/');
                    CompletableFuture<JsonArray> waiting = slash < 0 ? null : inflight.get(correlation.substring(0, slash));
                    if (waiting != null) {
                        waiting.complete(responses);
                        return;
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.debugf("Ignoring an unreadable message on %s: %s", message.topicName(), e.getMessage());
        }
    }

    private void failInflight() {
        inflight.values().forEach(f -> f.completeExceptionally(
                new IllegalStateException("connection to " + settings.address() + " closed")));
    }

    private <T> T await(Future<T> future, String what) throws BrokerUnavailableException {
        return BrokerUnavailableException.await(future, timeout, what);
    }

    @Override
    public void close() {
        MqttClient c = client;
        client = null;
        if (c != null && c.isConnected()) {
            c.disconnect();
        }
    }
}
