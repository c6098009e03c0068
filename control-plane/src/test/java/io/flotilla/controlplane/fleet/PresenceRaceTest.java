package io.flotilla.controlplane.fleet;

import io.flotilla.controlplane.TestAgents;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.controlplane.MutableClock;
import io.flotilla.controlplane.policy.PolicyPlacementRepository;
import io.flotilla.controlplane.policy.PolicyPlacer;
import io.flotilla.controlplane.policy.PolicyService;
import io.flotilla.policy.FleetPolicy;
import io.flotilla.proto.EnvelopeCodec;
import io.flotilla.proto.Topics;
import io.flotilla.proto.v1.ClusterStatus;
import io.flotilla.proto.v1.Presence;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.smallrye.reactive.messaging.mqtt.ReceivingMqttMessageMetadata;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Presence against the timers that judge it, with the interleavings that a busy control plane produces made
 * deterministic: the scheduler is off, so the test decides when presence is flushed, when the presence monitor
 * checks and when placement runs.
 */
@QuarkusTest
@TestProfile(PresenceRaceTest.Profile.class)
class PresenceRaceTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    // its own database: what other test classes leave in theirs (clusters, policies) is not placed here
                    "quarkus.datasource.jdbc.url", "jdbc:h2:mem:presence-race;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1",
                    "quarkus.scheduler.enabled", "false",
                    "flotilla.placement.require-online", "true",
                    "flotilla.placement.offline-grace", "5m",
                    "flotilla.fleet.heartbeat-timeout", "60s");
        }
    }

    private static final Duration HEARTBEAT = Duration.ofSeconds(60);
    private static final Duration GRACE = Duration.ofMinutes(5);

    @Inject
    MutableClock clock;

    @Inject
    AgentMessageIngestor ingestor;

    @Inject
    PresenceMonitor monitor;

    @Inject
    AgentReportService reports;

    @Inject
    ClusterRepository clusters;

    @Inject
    PolicyService policies;

    @Inject
    PolicyPlacer placer;

    @Inject
    PolicyPlacementRepository placements;

    @Test
    void presenceThatArrivedBeforeTheHeartbeatCheckIsCounted() {
        register("race-hb");
        receive("race-hb", Presence.State.STATE_ONLINE);
        ingestor.flushPresence();

        clock.advance(HEARTBEAT.plusSeconds(1));
        receive("race-hb", Presence.State.STATE_ONLINE); // arrived, not flushed yet
        monitor.check();

        Cluster c = load("race-hb");
        assertThat(c.online).as("a cluster whose presence arrived in time is not counted silent").isTrue();
        assertThat(c.offlineSince).isNull();
        assertThat(c.lastPresenceAt).isAfter(clock.instant().minus(HEARTBEAT));
    }

    @Test
    void presenceThatArrivedBeforeTheGraceCheckKeepsTheClusterEligible() {
        register("race-grace");
        receive("race-grace", Presence.State.STATE_ONLINE);
        ingestor.flushPresence();
        receive("race-grace", Presence.State.STATE_OFFLINE);
        ingestor.flushPresence();
        assertThat(load("race-grace").online).isFalse();

        clock.advance(GRACE.plusMinutes(1));
        receive("race-grace", Presence.State.STATE_ONLINE); // back, not flushed yet
        monitor.check();

        Cluster c = load("race-grace");
        assertThat(c.placementOffline).as("a cluster that came back in time keeps its workloads").isFalse();
        assertThat(c.online).isTrue();
    }

    @Test
    void heartbeatExpiryJudgesTheClusterAgainUnderItsLock() {
        register("race-listed");
        receive("race-listed", Presence.State.STATE_ONLINE);
        ingestor.flushPresence();

        clock.advance(HEARTBEAT.plusSeconds(1));
        Instant silentSince = clock.instant().minus(HEARTBEAT); // the monitor lists the cluster as silent,
        receive("race-listed", Presence.State.STATE_ONLINE);     // its presence is applied,
        ingestor.flushPresence();
        assertThat(reports.expireHeartbeat("race-listed", silentSince)).isFalse(); // then the monitor locks it
        assertThat(load("race-listed").online).isTrue();

        clock.advance(HEARTBEAT.plusSeconds(1));
        assertThat(reports.expireHeartbeat("race-listed", clock.instant().minus(HEARTBEAT))).isTrue();
        assertThat(load("race-listed").online).as("silent since the cut-off").isFalse();
    }

    @Test
    void graceExpiryJudgesTheClusterAgainUnderItsLock() {
        register("race-back");
        receive("race-back", Presence.State.STATE_ONLINE);
        ingestor.flushPresence();
        receive("race-back", Presence.State.STATE_OFFLINE);
        ingestor.flushPresence();

        clock.advance(GRACE.plusMinutes(1));
        Instant offlineBefore = clock.instant().minus(GRACE); // the monitor lists the cluster as gone,
        receive("race-back", Presence.State.STATE_ONLINE);     // it comes back and goes again,
        ingestor.flushPresence();
        receive("race-back", Presence.State.STATE_OFFLINE);
        ingestor.flushPresence();
        assertThat(reports.expireGrace("race-back", offlineBefore)).isFalse(); // then the monitor locks it
        assertThat(load("race-back").placementOffline).as("offline only since it went again").isFalse();

        clock.advance(GRACE.plusMinutes(1));
        assertThat(reports.expireGrace("race-back", clock.instant().minus(GRACE))).isTrue();
        assertThat(load("race-back").placementOffline).isTrue();
    }

    @Test
    void olderPresenceAppliedLateDoesNotUndoANewerOne() {
        register("race-order");
        Instant t = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        reports.applyPresences(List.of(received("race-order", Presence.State.STATE_ONLINE, t)));
        reports.applyPresences(List.of(received("race-order", Presence.State.STATE_OFFLINE, t.plusMillis(2)))); // its will
        reports.applyPresences(List.of(received("race-order", Presence.State.STATE_ONLINE, t.plusMillis(1)))); // late

        Cluster c = load("race-order");
        assertThat(c.online).isFalse();
        assertThat(c.lastPresenceAt).isEqualTo(t.plusMillis(2));
    }

    @Test
    void statusSentBeforeTheOfflinePresenceAndAppliedAfterItLeavesTheClusterOffline() {
        register("race-status");
        receive("race-status", Presence.State.STATE_ONLINE);
        ingestor.flushPresence();
        // the agent acknowledged a change, then shut down cleanly; its status waited in the inbox behind others
        receive("race-status", Presence.State.STATE_OFFLINE);
        ingestor.flushPresence();
        clock.advance(Duration.ofSeconds(14));
        reports.applyStatus(ClusterStatus.newBuilder().setClusterId("race-status").build());

        Cluster c = load("race-status");
        assertThat(c.online).as("its OFFLINE said it went away").isFalse();
        assertThat(c.offlineSince).isNotNull();
        assertThat(c.lastStatusAt).as("the status itself is taken").isNotNull();
    }

    @Test
    void statusAfterSilenceBringsTheClusterBack() {
        register("race-silent");
        receive("race-silent", Presence.State.STATE_ONLINE);
        ingestor.flushPresence();
        clock.advance(HEARTBEAT.plusSeconds(1));
        assertThat(reports.expireHeartbeat("race-silent", clock.instant().minus(HEARTBEAT))).isTrue();

        reports.applyStatus(ClusterStatus.newBuilder().setClusterId("race-silent").build());

        assertThat(load("race-silent").online).as("silence, not its presence, counted it offline").isTrue();
    }

    @Test
    void placementRunDoesNotUndoPresenceAppliedWhileItPlanned() {
        register("race-place");
        receive("race-place", Presence.State.STATE_ONLINE);
        ingestor.flushPresence();
        long generation = load("race-place").desiredGeneration;
        FleetPolicy policy = policies.parse("test", """
                apiVersion: flotilla.io/v1alpha1
                kind: FleetPolicy
                metadata:
                  name: race-place
                spec:
                  workload:
                    model: meta-llama/Llama-3.1-8B-Instruct
                    image: vllm/vllm-openai:v0.8.5
                    resources: { gpu: 1, gpuMemoryGiB: 24, cpu: "4", memory: 16Gi }
                  placement:
                    clusterSelector: { matchLabels: { suite: race-place } }
                    jurisdictions: [EU]
                    minClusters: 1
                    maxClusters: 1
                  routing:
                    alias: race-place
                """, false).policies().get(0);

        try {
            QuarkusTransaction.requiringNew().run(() -> {
                placements.lockPlacement();
                PolicyPlacer.Plan plan = placer.plan(List.of(policy));
                assertThat(plan.changes()).extracting(PolicyPlacer.ClusterChange::clusterId).containsExactly("race-place");
                // the agent goes away after placement read the fleet and before it locks the cluster to dispatch
                try {
                    CompletableFuture.runAsync(() -> {
                        receive("race-place", Presence.State.STATE_OFFLINE);
                        ingestor.flushPresence();
                    }).get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                placer.commit(plan, Map.of("race-place", 1L));
            });

            Cluster c = load("race-place");
            assertThat(c.desiredGeneration).as("placement dispatched the workload").isEqualTo(generation + 1);
            assertThat(c.online).as("the presence applied meanwhile is not written over").isFalse();
            assertThat(c.offlineSince).isNotNull();
        } finally {
            policies.replace(); // the policy was never stored: this placement run removes what the test placed
        }
    }

    private Cluster load(String id) {
        return QuarkusTransaction.requiringNew().call(() -> clusters.findById(id));
    }

    private static AgentReportService.ReceivedPresence received(String cluster, Presence.State state, Instant at) {
        return new AgentReportService.ReceivedPresence(Presence.newBuilder().setClusterId(cluster).setState(state).build(), at);
    }

    /** A presence message as the MQTT connector hands it over: decoded and kept until the next flush. */
    private void receive(String cluster, Presence.State state) {
        byte[] payload = TestAgents.of(cluster).codec().encode(cluster,
                Presence.newBuilder().setClusterId(cluster).setState(state).build());
        var message = io.vertx.mqtt.messages.MqttPublishMessage.create(1, MqttQoS.AT_LEAST_ONCE, false, true,
                Topics.presence(cluster), Unpooled.wrappedBuffer(payload));
        ingestor.onPresence(payload, new ReceivingMqttMessageMetadata(io.vertx.mutiny.mqtt.messages.MqttPublishMessage.newInstance(message)));
    }

    /** A cluster with a location and capacity, labelled {@code suite: <id>}, that has not reported yet. */
    private static void register(String id) {
        given().contentType(ContentType.JSON)
                .body("""
                        {"id": "%s", "jurisdiction": "DE", "latitude": 50.11, "longitude": 8.68, "labels": {"suite": "%s"},
                         "capacity": {"gpus": [{"model": "L4", "count": 2, "memoryGiB": 24}], "cpu": "32", "memory": "128Gi"}}
                        """.formatted(id, id))
                .post("/api/v1/clusters")
                .then().statusCode(201);
    }
}
