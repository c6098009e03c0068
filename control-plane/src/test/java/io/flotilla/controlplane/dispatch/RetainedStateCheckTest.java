package io.flotilla.controlplane.dispatch;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.flotilla.controlplane.ApiFixtures;
import io.flotilla.controlplane.MqttTestClient;
import io.flotilla.controlplane.broker.RetainedMarker;
import io.flotilla.proto.EnvelopeCodec;
import io.flotilla.proto.Topics;
import io.flotilla.proto.v1.DesiredState;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** A broker that lost its retained messages (restarted without persistence) gets every cluster's desired state again. */
@QuarkusTest
class RetainedStateCheckTest {

    @ConfigProperty(name = "flotilla.broker.port")
    int port;

    @Inject
    RetainedStateCheck check;

    private long retainedGeneration(String cluster) throws Exception {
        // a fresh subscription receives only what the broker retains
        try (MqttTestClient agent = new MqttTestClient(port)) {
            agent.subscribe(Topics.desired(cluster));
            await().atMost(Duration.ofSeconds(10)).until(() -> agent.last(Topics.desired(cluster)) != null);
            return EnvelopeCodec.builder("test").trust(ApiFixtures.controlPlaneKey()).build()
                    .decode(agent.last(Topics.desired(cluster)), cluster, DesiredState.getDefaultInstance()).payload().getGeneration();
        }
    }

    @Test
    void aBrokerThatLostItsRetainedMessagesGetsEveryDesiredStateAgain() throws Exception {
        ApiFixtures.register("retained-1", "DE");
        given().contentType(ContentType.JSON).body(ApiFixtures.WORKLOAD).put("/api/v1/clusters/retained-1/workloads/chat")
                .then().statusCode(200).body("desiredGeneration", equalTo(1));
        assertThat(retainedGeneration("retained-1")).isEqualTo(1);
        assertThat(check.check()).as("the marker is there: nothing is published again").isZero();

        double lost = ApiFixtures.metric("flotilla_dispatch_broker_retained_lost_total");
        try (MqttTestClient broker = new MqttTestClient(port)) {
            // what a broker restarted without persistence has lost: the retained desired state, and the marker
            broker.publish(Topics.desired("retained-1"), new byte[0], true);
            broker.publish(RetainedMarker.TOPIC, new byte[0], true);
        }
        assertThat(check.check()).as("every cluster's state is published again").isPositive();
        assertThat(retainedGeneration("retained-1")).isEqualTo(1);
        assertThat(ApiFixtures.metric("flotilla_dispatch_broker_retained_lost_total")).isEqualTo(lost + 1);
        assertThat(check.check()).as("the marker was left again").isZero();
    }
}
