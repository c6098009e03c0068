package io.flotilla.controlplane.broker;

import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.auth.PublishAuthorizer;
import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.auth.SubscriptionAuthorizer;
import com.hivemq.extension.sdk.api.auth.parameter.PublishAuthorizerInput;
import com.hivemq.extension.sdk.api.auth.parameter.PublishAuthorizerOutput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthInput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthOutput;
import com.hivemq.extension.sdk.api.auth.parameter.SubscriptionAuthorizerInput;
import com.hivemq.extension.sdk.api.auth.parameter.SubscriptionAuthorizerOutput;
import com.hivemq.extension.sdk.api.client.parameter.ConnectionAttributeStore;
import com.hivemq.extension.sdk.api.packets.connect.ConnackReasonCode;
import com.hivemq.extension.sdk.api.packets.connect.ConnectPacket;
import com.hivemq.extension.sdk.api.packets.disconnect.DisconnectReasonCode;
import com.hivemq.extension.sdk.api.packets.publish.AckReasonCode;
import com.hivemq.extension.sdk.api.packets.subscribe.SubackReasonCode;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;
import com.hivemq.extension.sdk.api.services.session.ClientService;
import io.flotilla.policy.TerminalText;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The embedded broker's gatekeeper, as a HiveMQ extension running in process: it authenticates every connect with
 * {@link BrokerAccess} and authorizes every subscription and publish of the connection. A refused connect gets
 * CONNACK "not authorized" or "bad user name or password", a refused subscription the SUBACK reason code "not
 * authorized", a refused publish is dropped (PUBACK "not authorized" at QoS 1). Each refusal is counted in
 * {@code flotilla.broker.refused{action, reason}} and logged at debug level without the password.
 */
final class BrokerSecurityExtension implements ExtensionMain {

    private static final Logger LOG = Logger.getLogger(BrokerSecurityExtension.class);
    private static final String CLIENT_ATTRIBUTE = "flotilla.client";
    private static final String CONTROL_PLANE = "control-plane";
    private static final String CLUSTER_PREFIX = "cluster:";

    private final BrokerAccess access;
    private final MeterRegistry metrics;
    private volatile ClientService clients;

    BrokerSecurityExtension(BrokerAccess access, MeterRegistry metrics) {
        this.access = access;
        this.metrics = metrics;
    }

    @Override
    public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
        clients = Services.clientService();
        Services.securityRegistry().setAuthenticatorProvider(in -> (SimpleAuthenticator) this::authenticate);
        Authorizer authorizer = new Authorizer();
        Services.securityRegistry().setAuthorizerProvider(in -> authorizer);
    }

    @Override
    public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {
        clients = null;
    }

    /** Disconnects a client at once, e.g. a cluster whose credentials were just revoked; false when it was not connected. */
    boolean disconnect(String clientId) {
        ClientService service = clients;
        if (service == null) {
            return false;
        }
        return service.disconnectClient(clientId, false, DisconnectReasonCode.NOT_AUTHORIZED, "credentials revoked")
                .exceptionally(e -> false).join();
    }

    private void authenticate(SimpleAuthInput input, SimpleAuthOutput output) {
        ConnectPacket connect = input.getConnectPacket();
        Optional<byte[]> password = connect.getPassword().map(BrokerSecurityExtension::bytes);
        BrokerAccess.Connect decision = access.connect(connect.getUserName(), password, connect.getClientId(),
                connect.getWillPublish().map(w -> w.getTopic()));
        if (decision.client().isEmpty()) {
            refused("connect", decision.refusal(), connect.getClientId(), connect.getUserName().orElse("(none)"));
            output.failAuthentication(decision.refusal() == BrokerAccess.Refusal.BAD_CREDENTIALS
                    ? ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD : ConnackReasonCode.NOT_AUTHORIZED,
                    "refused: " + decision.refusal().name().toLowerCase().replace('_', ' '));
            return;
        }
        ConnectionAttributeStore attributes = input.getConnectionInformation().getConnectionAttributeStore();
        attributes.putAsString(CLIENT_ATTRIBUTE, switch (decision.client().get()) {
            case BrokerAccess.ControlPlane cp -> CONTROL_PLANE;
            case BrokerAccess.Cluster c -> CLUSTER_PREFIX + c.id();
        });
        output.authenticateSuccessfully();
    }

    private static Optional<BrokerAccess.Client> client(ConnectionAttributeStore attributes) {
        return attributes.getAsString(CLIENT_ATTRIBUTE).map(v -> v.equals(CONTROL_PLANE) ? new BrokerAccess.ControlPlane()
                : new BrokerAccess.Cluster(v.substring(CLUSTER_PREFIX.length())));
    }

    private final class Authorizer implements SubscriptionAuthorizer, PublishAuthorizer {

        @Override
        public void authorizeSubscribe(SubscriptionAuthorizerInput input, SubscriptionAuthorizerOutput output) {
            String filter = input.getSubscription().getTopicFilter();
            Optional<BrokerAccess.Client> client = client(input.getConnectionInformation().getConnectionAttributeStore());
            if (client.isPresent() && access.maySubscribe(client.get(), filter)) {
                output.authorizeSuccessfully();
                return;
            }
            refused("subscribe", BrokerAccess.Refusal.TOPIC, input.getClientInformation().getClientId(), filter);
            output.failAuthorization(SubackReasonCode.NOT_AUTHORIZED, "not authorized for " + filter);
        }

        @Override
        public void authorizePublish(PublishAuthorizerInput input, PublishAuthorizerOutput output) {
            String topic = input.getPublishPacket().getTopic();
            Optional<BrokerAccess.Client> client = client(input.getConnectionInformation().getConnectionAttributeStore());
            if (client.isPresent() && access.mayPublish(client.get(), topic)) {
                output.authorizeSuccessfully();
                return;
            }
            refused("publish", BrokerAccess.Refusal.TOPIC, input.getClientInformation().getClientId(), topic);
            output.failAuthorization(AckReasonCode.NOT_AUTHORIZED, "not authorized for " + topic);
        }
    }

    private void refused(String action, BrokerAccess.Refusal reason, String clientId, String what) {
        metrics.counter("flotilla.broker.refused", "action", action, "reason", reason.name()).increment();
        LOG.debugf("Broker refused %s by client '%s' (%s): %s", action, TerminalText.escape(clientId),
                TerminalText.escape(what), reason);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.asReadOnlyBuffer();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
