package io.flotilla.controlplane.routing;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.flotilla.controlplane.OwnDatabaseProfile;
import io.flotilla.controlplane.routing.RouterFixtures.Place;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** {@code flotilla.router.port}: /v1 on a port of its own, and then not on the main port with the API. */
@QuarkusTest
@TestProfile(OwnDatabaseProfile.class)
class RouterOwnPortTest {

    private static final String ACME = "sk-test-acme";

    @ConfigProperty(name = "flotilla.router.port")
    int routerPort;

    @ConfigProperty(name = "flotilla.broker.port")
    int brokerPort;

    @Test
    void servesV1OnItsOwnPortAndTheMainPortDoesNot() throws Exception {
        Vertx vertx = Vertx.vertx();
        try (var par = new OpenAiStandIn(vertx, "op-par")) {
            RouterFixtures.serve(brokerPort, "chat-op", "op", "EU",
                    Map.of("op-par", new Place("FR", 48.86, 2.35, par.endpoint())));

            routerPort().header("Authorization", "Bearer " + ACME).get("/v1/models").then().statusCode(200)
                    .header("X-Content-Type-Options", "nosniff").body("data.id", hasItem("chat-op"));
            RouterFixtures.chat(ACME, "chat-op").port(routerPort).header("X-Flotilla-Client-Location", "paris")
                    .post("/v1/chat/completions").then().statusCode(200)
                    .header("X-Flotilla-Cluster", "op-par").body("choices[0].message.content", equalTo("hello from op-par"));
            routerPort().header("Authorization", "Bearer " + ACME).contentType("text/plain").body("{}")
                    .post("/v1/chat/completions").then().statusCode(415);
            routerPort().get("/v1/models").then().statusCode(401).body("error.code", equalTo("invalid_api_key"));
            routerPort().get("/v1/nothing-here").then().statusCode(404).body("error.code", equalTo("unknown_url"));
            // only /v1: the API and the console stay on the main port
            routerPort().get("/api/v1/clusters").then().statusCode(404);
            routerPort().get("/q/health/ready").then().statusCode(404);

            given().header("Authorization", "Bearer " + ACME).get("/v1/models").then().statusCode(404);
            RouterFixtures.chat(ACME, "chat-op").header("X-Flotilla-Client-Location", "paris")
                    .post("/v1/chat/completions").then().statusCode(404);
            given().get("/api/v1/clusters").then().statusCode(200);
            assertThat(par.requests()).isEqualTo(1);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private RequestSpecification routerPort() {
        return given().port(routerPort).contentType(ContentType.JSON);
    }
}
