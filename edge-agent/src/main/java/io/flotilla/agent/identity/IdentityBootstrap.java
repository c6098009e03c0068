package io.flotilla.agent.identity;

import io.flotilla.agent.link.Backoff;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;

/**
 * How an agent comes by its identity at start-up: the one in its state directory if there is one (a
 * bootstrap token is then ignored: it was spent when that identity was made); otherwise a new key pair
 * and an enrollment exchange, whose result is stored before the agent goes on; otherwise nothing to go
 * on, which is an error naming what to set.
 */
public final class IdentityBootstrap {

    private static final System.Logger LOG = System.getLogger(IdentityBootstrap.class.getName());

    static final String CONTROL_PLANE_URL_ENV = "FLOTILLA_AGENT_CONTROL_PLANE_URL";
    static final String BOOTSTRAP_TOKEN_ENV = "FLOTILLA_AGENT_BOOTSTRAP_TOKEN";

    private IdentityBootstrap() {
    }

    /**
     * @param enrollment builds the client for a control-plane URL
     * @throws IllegalStateException when there is no identity and no way to get one, or the control plane
     *                               refused the exchange (with its message)
     */
    public static AgentIdentity loadOrEnroll(Path stateDir, String clusterId, Optional<String> controlPlaneUrl,
            Optional<String> bootstrapToken, Function<URI, EnrollmentClient> enrollment, Backoff backoff)
            throws IOException {
        Optional<AgentIdentity> stored = IdentityFile.read(stateDir);
        if (stored.isPresent()) {
            AgentIdentity identity = stored.get();
            if (!identity.clusterId().equals(clusterId)) {
                throw new IllegalStateException(IdentityFile.path(stateDir) + " is the identity of cluster '"
                        + identity.clusterId() + "', but this agent is configured as '" + clusterId
                        + "': give each cluster its own state directory");
            }
            LOG.log(Level.INFO, "{0} is already enrolled (key {1}, identity in {2}){3}", clusterId,
                    identity.publicKey().keyId(), IdentityFile.path(stateDir),
                    bootstrapToken.isPresent() ? "; the bootstrap token is not used" : "");
            return identity;
        }
        Optional<String> url = controlPlaneUrl.filter(s -> !s.isBlank());
        Optional<String> token = bootstrapToken.filter(s -> !s.isBlank());
        if (url.isEmpty() || token.isEmpty()) {
            throw new IllegalStateException("agent for " + clusterId + " is not enrolled (no " + IdentityFile.NAME
                    + " in " + stateDir + "): set " + CONTROL_PLANE_URL_ENV + " and " + BOOTSTRAP_TOKEN_ENV
                    + " (a bootstrap token the control plane issued for this cluster) to enroll it");
        }
        EnrollmentClient client = enrollment.apply(URI.create(url.get()));
        AgentKey key = AgentKey.generate(new SecureRandom());
        LOG.log(Level.INFO, "enrolling {0} at {1} with new key {2}", clusterId, client.exchangeUri(),
                key.publicKey().keyId());
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("flotilla-enrollment").daemon().factory());
        AgentIdentity identity;
        try {
            identity = client.enrollWithRetries(clusterId, token.get(), key, backoff, scheduler).get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new IllegalStateException("enrollment of " + clusterId + " failed: " + cause.getMessage(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while enrolling " + clusterId, e);
        } finally {
            scheduler.shutdownNow();
        }
        IdentityFile.write(stateDir, identity);
        LOG.log(Level.INFO, "enrolled {0}: broker {1} as {2}, {3} control-plane key(s), identity stored in {4}",
                clusterId, identity.brokerUrl(), identity.username().orElse("(anonymous)"),
                identity.controlPlaneKeys().size(), IdentityFile.path(stateDir));
        return identity;
    }
}
