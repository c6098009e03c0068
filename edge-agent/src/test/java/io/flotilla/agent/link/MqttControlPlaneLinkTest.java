package io.flotilla.agent.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flotilla.agent.EdgeAgent;
import io.flotilla.agent.Fixtures;
import io.flotilla.agent.identity.AgentIdentity;
import io.flotilla.proto.EnvelopeCodec;
import io.flotilla.proto.Topics;
import io.flotilla.proto.v1.Presence;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The MQTT link against a real broker: packet size limit, pinned TLS. */
class MqttControlPlaneLinkTest {

    private static final String CLUSTER = Fixtures.CLUSTER;
    private static final long ONE_MIB = 1024 * 1024;

    @TempDir
    Path tmp;

    private final List<AutoCloseable> toClose = new CopyOnWriteArrayList<>();
    private final List<byte[]> received = new CopyOnWriteArrayList<>();
    private final AgentIdentity identity = AgentIdentity.unenrolled(CLUSTER, "tcp://unused:1883",
            Fixtures.newKey().verificationKey());

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
    }

    private MqttControlPlaneLink link(String brokerUrl, Optional<String> caPem) {
        EnvelopeCodec codec = identity.envelopeCodec(Clock.systemUTC());
        MqttControlPlaneLink link = new MqttControlPlaneLink(new MqttControlPlaneLink.Settings(brokerUrl,
                identity.clientId(), Optional.empty(), Optional.empty(), Topics.desired(CLUSTER),
                Topics.presence(CLUSTER), () -> EdgeAgent.presencePair(codec, CLUSTER, "test", Clock.systemUTC().instant()),
                Duration.ofMinutes(5), Duration.ofSeconds(30),
                new Backoff(Duration.ofMillis(100), Duration.ofMillis(500), () -> 0.5), caPem, ONE_MIB));
        toClose.add(link);
        link.start(new ControlPlaneLink.Listener() {
            @Override
            public void onDesiredState(byte[] payload) {
                received.add(payload);
            }

            @Override
            public void onConnected() {
            }

            @Override
            public void onDisconnected(String cause) {
            }
        });
        return link;
    }

    private MqttClient client(String url, String id) throws Exception {
        MqttClient client = new MqttClient(url, id, new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        client.setTimeToWait(60_000);
        client.connect(options);
        toClose.add(() -> {
            if (client.isConnected()) {
                client.disconnect();
            }
            client.close();
        });
        return client;
    }

    @Test
    void aRetainedMessageOverTheMaximumPacketSizeNeverReachesTheAgentWhichStaysConnected() throws Exception {
        TestBroker broker = TestBroker.start(tmp.resolve("broker"));
        toClose.add(broker);
        MqttClient publisher = client(broker.tcpUrl(), "attacker");
        publisher.publish(Topics.desired(CLUSTER), new MqttMessage(new byte[50 * 1024 * 1024], 1, true, null));

        MqttControlPlaneLink link = link(broker.tcpUrl(), Optional.empty());
        await().atMost(Duration.ofSeconds(20)).until(link::isConnected);
        byte[] normal = "a normal desired state".getBytes();
        publisher.publish(Topics.desired(CLUSTER), new MqttMessage(normal, 1, true, null));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(received).isNotEmpty());
        assertThat(received).singleElement().isEqualTo(normal);
        assertThat(link.isConnected()).isTrue();
    }

    @Test
    void connectsOverTlsToABrokerWhoseCertificateThePinnedCaIssued() throws Exception {
        TestPki pki = new TestPki("flotilla test broker CA");
        TestBroker broker = TestBroker.start(tmp.resolve("broker"),
                pki.serverKeyStore(tmp.resolve("broker.jks"), "changeit", "127.0.0.1", "localhost"), "changeit");
        toClose.add(broker);

        MqttControlPlaneLink link = link(broker.sslUrl("127.0.0.1"), Optional.of(pki.caPem()));

        await().atMost(Duration.ofSeconds(20)).until(link::isConnected);
        MqttClient observer = client(broker.tcpUrl(), "observer");
        List<Presence> presence = new CopyOnWriteArrayList<>();
        // the multi-topic overload: the single-topic one overflows the stack in Paho 1.2.5
        observer.subscribe(new MqttSubscription[] {new MqttSubscription(Topics.presence(CLUSTER), 1)},
                new IMqttMessageListener[] {(topic, message) -> presence.add(Fixtures.readerCodec().decodeFrom(
                        message.getPayload(), CLUSTER, Presence.getDefaultInstance(), identity.publicKey()).payload())});
        await().untilAsserted(() -> assertThat(presence).extracting(Presence::getState)
                .contains(Presence.State.STATE_ONLINE));
    }

    @Test
    void refusesABrokerCertificateFromAnotherCaEvenIfTheJdkWouldNot() throws Exception {
        TestPki brokerPki = new TestPki("some other CA");
        TestBroker broker = TestBroker.start(tmp.resolve("broker"),
                brokerPki.serverKeyStore(tmp.resolve("broker.jks"), "changeit", "127.0.0.1"), "changeit");
        toClose.add(broker);

        MqttControlPlaneLink link = link(broker.sslUrl("127.0.0.1"), Optional.of(new TestPki("pinned CA").caPem()));

        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> !link.isConnected());
    }

    @Test
    void refusesABrokerCertificateForAnotherHostName() throws Exception {
        TestPki pki = new TestPki("flotilla test broker CA");
        TestBroker broker = TestBroker.start(tmp.resolve("broker"),
                pki.serverKeyStore(tmp.resolve("broker.jks"), "changeit", "broker.elsewhere.example"), "changeit");
        toClose.add(broker);

        MqttControlPlaneLink link = link(broker.sslUrl("127.0.0.1"), Optional.of(pki.caPem()));

        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> !link.isConnected());
    }
}
