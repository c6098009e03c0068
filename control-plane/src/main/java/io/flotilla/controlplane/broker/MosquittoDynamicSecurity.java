package io.flotilla.controlplane.broker;

import io.flotilla.controlplane.identity.ClusterCredentialsIssued;
import io.flotilla.controlplane.identity.ClusterCredentialsRevoked;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * Makes an external Mosquitto enforce the clusters' broker identities, through its dynamic security plugin
 * (enabled by {@code flotilla.broker.dynamic-security.enabled}; see deploy/broker/README.md for the broker's side).
 *
 * <p>Issued credentials become a client {@code <username>} bound to the agent's client id, holding the role
 * {@code flotilla-cluster-<clusterId>} ({@link DynamicSecurityCommands}); an existing client gets the new password
 * and is enabled again. Revoked credentials disable the client, which disconnects the agent at once and refuses it
 * from then on.
 *
 * <p>The events are observed after the firing transaction commits (and at once when fired outside a transaction) and
 * only queued: one worker thread applies the queue in order, so a revocation is never overtaken by an older issue of
 * the same cluster. While the broker is unreachable or does not answer, the head of the queue is retried with
 * exponential backoff and the rest waits behind it. A command that the plugin refuses (anything but "already
 * exists" where that is expected) is logged as an error with the cluster and the command, and dropped: resending it
 * cannot change the answer. Passwords are sent to the broker and never logged.
 *
 * <p>The queue lives in memory only. Changes not yet applied when the control plane stops are lost: a cluster whose
 * issue was pending cannot connect until its credentials are issued again, and, more seriously, a cluster whose
 * revocation was pending stays enabled in the broker until it is revoked again. Shutdown logs how many were lost.
 */
@ApplicationScoped
public class MosquittoDynamicSecurity {

    private static final Logger LOG = Logger.getLogger(MosquittoDynamicSecurity.class);

    private sealed interface Change permits Issue, Revoke, CheckDefaults {
    }

    private record Issue(ClusterCredentialsIssued credentials) implements Change {
    }

    private record Revoke(ClusterCredentialsRevoked credentials) implements Change {
    }

    /** At start: warn when the broker's defaults would let a client publish or subscribe outside its role. */
    private record CheckDefaults() implements Change {
    }

    private final DynamicSecurityConfig config;
    private final ExternalBrokerTlsConfig tls;
    private final Vertx vertx;
    private final Config mpConfig;
    private final BlockingDeque<Change> pending = new LinkedBlockingDeque<>();
    private ScheduledExecutorService worker;
    private DynamicSecurityClient client;
    private Duration nextDelay;
    private volatile boolean waitingToRetry;

    @Inject
    MosquittoDynamicSecurity(DynamicSecurityConfig config, ExternalBrokerTlsConfig tls, Vertx vertx, Config mpConfig) {
        this.config = config;
        this.tls = tls;
        this.vertx = vertx;
        this.mpConfig = mpConfig;
    }

    void start(@Observes StartupEvent event) {
        if (!config.enabled()) {
            return;
        }
        BrokerSettings settings = BrokerSettings.from(mpConfig);
        client = new DynamicSecurityClient(vertx, settings, config.responseTimeout());
        nextDelay = config.retryInitialDelay();
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().name("flotilla-dynamic-security").daemon().factory());
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        worker = executor;
        LOG.infof("Cluster identities are kept in the dynamic security plugin of the broker at %s", settings.address());
        if (!tls.enabled() && !settings.ssl()) {
            LOG.warnf("The broker at %s is reached without TLS: the clusters' new passwords cross the network in clear"
                    + " text. Set flotilla.broker.external-tls.enabled=true (deploy/broker/README.md)", settings.address());
        }
        enqueue(new CheckDefaults());
    }

    void stop(@Observes ShutdownEvent event) {
        if (worker == null) {
            return;
        }
        worker.shutdownNow();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.close();
        long lost = pending.stream().filter(c -> !(c instanceof CheckDefaults)).count();
        if (lost > 0) {
            LOG.warnf("%d credential change(s) were not applied to the broker and are lost: %s", lost,
                    pending.stream().map(MosquittoDynamicSecurity::describe).toList());
        }
    }

    void onIssued(@Observes(during = TransactionPhase.AFTER_SUCCESS) ClusterCredentialsIssued issued) {
        if (config.enabled()) {
            enqueue(new Issue(issued));
        }
    }

    void onRevoked(@Observes(during = TransactionPhase.AFTER_SUCCESS) ClusterCredentialsRevoked revoked) {
        if (config.enabled()) {
            enqueue(new Revoke(revoked));
        }
    }

    private void enqueue(Change change) {
        if (worker == null || worker.isShutdown()) {
            LOG.errorf("Not started: %s is not applied to the broker", describe(change));
            return;
        }
        pending.addLast(change);
        if (!waitingToRetry) {
            worker.execute(this::drain);
        }
    }

    /** On the worker thread only. */
    private void drain() {
        waitingToRetry = false;
        Change next;
        while ((next = pending.peekFirst()) != null) {
            try {
                apply(next);
                nextDelay = config.retryInitialDelay();
            } catch (BrokerUnavailableException e) {
                LOG.warnf("Broker unreachable for %s, retrying in %d ms (%d change(s) waiting): %s", describe(next),
                        nextDelay.toMillis(), pending.size(), e.getMessage());
                waitingToRetry = true;
                worker.schedule(this::drain, nextDelay.toMillis(), TimeUnit.MILLISECONDS);
                Duration doubled = nextDelay.multipliedBy(2);
                nextDelay = doubled.compareTo(config.retryMaxDelay()) > 0 ? config.retryMaxDelay() : doubled;
                return;
            } catch (RuntimeException e) {
                LOG.errorf("Dynamic security: %s not applied: %s", describe(next), e.getMessage());
            }
            pending.pollFirst();
        }
    }

    private void apply(Change change) throws BrokerUnavailableException {
        switch (change) {
            case Issue issue -> issue(issue.credentials());
            case Revoke revoke -> revoke(revoke.credentials());
            case CheckDefaults ignored -> checkDefaults();
        }
    }

    private void issue(ClusterCredentialsIssued c) throws BrokerUnavailableException {
        String cluster = c.clusterId();
        DynamicSecurityCommands.requireTopicSafe(cluster);
        List<JsonObject> created = client.execute(
                DynamicSecurityCommands.create(cluster, c.username(), c.password(), c.clientId()));
        boolean roleExisted = tolerated(created.get(0), DynamicSecurityCommands.ROLE_EXISTS, cluster);
        boolean clientExisted = tolerated(created.get(1), DynamicSecurityCommands.CLIENT_EXISTS, cluster);
        if (roleExisted) {
            for (JsonObject answer : client.execute(DynamicSecurityCommands.completeRole(cluster))) {
                tolerated(answer, DynamicSecurityCommands.ACL_EXISTS, cluster);
            }
        }
        if (clientExisted) {
            JsonObject existing = client.execute(List.of(DynamicSecurityCommands.getClient(c.username()))).getFirst();
            tolerated(existing, null, cluster);
            boolean hasRole = DynamicSecurityCommands.roles(existing).contains(DynamicSecurityCommands.roleName(cluster));
            for (JsonObject answer : client.execute(
                    DynamicSecurityCommands.update(cluster, c.username(), c.password(), c.clientId(), hasRole))) {
                tolerated(answer, null, cluster);
            }
        }
        LOG.infof("Cluster %s may connect to the broker as user '%s' with client id '%s' (%s)", cluster, c.username(),
                c.clientId(), clientExisted ? "password replaced, enabled" : "created");
    }

    private void revoke(ClusterCredentialsRevoked r) throws BrokerUnavailableException {
        JsonObject answer = client.execute(List.of(DynamicSecurityCommands.disable(r.username()))).getFirst();
        if (tolerated(answer, DynamicSecurityCommands.CLIENT_NOT_FOUND, r.clusterId())) {
            LOG.warnf("Cluster %s: broker user '%s' does not exist, nothing to revoke", r.clusterId(), r.username());
            return;
        }
        LOG.infof("Cluster %s: broker user '%s' disabled, its connection closed", r.clusterId(), r.username());
    }

    private void checkDefaults() throws BrokerUnavailableException {
        JsonObject answer = client.execute(List.of(DynamicSecurityCommands.getDefaultAclAccess())).getFirst();
        tolerated(answer, null, "-");
        JsonArray acls = answer.getJsonObject("data", new JsonObject()).getJsonArray("acls", new JsonArray());
        for (Object o : acls) {
            if (o instanceof JsonObject acl && acl.getBoolean("allow", false)
                    && List.of("publishClientSend", "subscribe").contains(acl.getString("acltype"))) {
                LOG.warnf("The broker's default ACL access allows %s: clusters are confined under flotilla/ by their"
                        + " roles, but may reach other topics starting with '$'. Set it to deny: mosquitto_ctrl ... dynsec"
                        + " setDefaultACLAccess %s deny", acl.getString("acltype"), acl.getString("acltype"));
            }
        }
    }

    /**
     * Whether the plugin answered {@code toleratedError}; false when it succeeded.
     *
     * @throws IllegalStateException for any other error, naming the command and the cluster
     */
    private static boolean tolerated(JsonObject answer, String toleratedError, String cluster) {
        String error = answer.getString("error");
        if (error == null) {
            return false;
        }
        if (error.equals(toleratedError)) {
            return true;
        }
        throw new IllegalStateException("the broker refused " + answer.getString("command") + " for cluster " + cluster
                + ": " + error);
    }

    private static String describe(Change change) {
        return switch (change) {
            case Issue i -> "issue of credentials for cluster " + i.credentials().clusterId();
            case Revoke r -> "revocation of credentials for cluster " + r.credentials().clusterId();
            case CheckDefaults ignored -> "check of the default ACL access";
        };
    }
}
