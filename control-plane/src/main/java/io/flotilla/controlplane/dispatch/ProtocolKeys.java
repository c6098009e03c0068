package io.flotilla.controlplane.dispatch;

import io.flotilla.proto.EnvelopeCodec;
import io.flotilla.proto.SigningKey;
import io.flotilla.proto.VerificationKey;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import org.jboss.logging.Logger;

/**
 * The control plane's signing identity and the codecs built from it: one that signs desired
 * state, one that reads what agents send.
 */
@ApplicationScoped
public class ProtocolKeys {

    private static final Logger LOG = Logger.getLogger(ProtocolKeys.class);
    public static final String SOURCE = "flotilla/control-plane";

    private final SigningKey signingKey;
    private final EnvelopeCodec desiredStateCodec;
    private final EnvelopeCodec agentMessageCodec;

    ProtocolKeys(DispatchConfig config) {
        try {
            this.signingKey = SigningKey.loadOrGenerate(config.signingKeyFile(), new SecureRandom());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the signing key " + config.signingKeyFile(), e);
        }
        LOG.infof("Signing desired state with key %s (public key %s)", signingKey.keyId(),
                signingKey.verificationKey().toBase64());
        this.desiredStateCodec = EnvelopeCodec.builder(SOURCE).signWith(signingKey).build();
        // Agents sign with their own keys, registered at enrollment: see AgentReportVerifier.
        this.agentMessageCodec = EnvelopeCodec.builder(SOURCE).requireSignature(true).build();
    }

    public VerificationKey verificationKey() {
        return signingKey.verificationKey();
    }

    public EnvelopeCodec desiredStateCodec() {
        return desiredStateCodec;
    }

    public EnvelopeCodec agentMessageCodec() {
        return agentMessageCodec;
    }
}
