package io.flotilla.controlplane.routing;

import static io.flotilla.controlplane.routing.RouterFixtures.publishedKeys;
import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.HttpResponse;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import io.flotilla.controlplane.routing.RouterFixtures.Place;
import io.flotilla.proto.receipt.ReceiptClaims;
import io.flotilla.proto.receipt.ReceiptVerifier;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * OpenAI's official Java client ({@code com.openai:openai-java}), unchanged but for its base URL and API key, through
 * the inference router to OpenAI-shaped stand-ins: it lists the routed aliases as models, gets chat completions plain
 * and streamed, and embeddings with its default (base64) and as floats, each from the nearest cluster; its raw-response
 * API shows the router's headers, and the receipt among them verifies offline against the published key set and the
 * body the client sent. The client validates every answer it parses ({@code responseValidation}), so a field the router
 * dropped or mangled fails here. No test profile: it shares the application InferenceRouterTest starts.
 */
@QuarkusTest
class OfficialClientThroughRouterTest {

    private static final String ACME = "sk-test-acme";

    private static Vertx vertx;

    @ConfigProperty(name = "flotilla.broker.port")
    int brokerPort;

    @TestHTTPResource("/v1")
    URI v1;

    private OpenAIClient client;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @BeforeEach
    void buildClient() {
        client = OpenAIOkHttpClient.builder().baseUrl(v1.toString()).apiKey(ACME).maxRetries(0).responseValidation(true)
                .putHeader("X-Flotilla-Client-Location", "paris").build();
    }

    @AfterEach
    void closeClient() {
        client.close();
    }

    @Test
    void listsTheRoutedAliasesAsModels() throws Exception {
        try (var par = new OpenAiStandIn(vertx, "oc-ml-par")) {
            serve("oc-models", "oc-ml", Map.of("oc-ml-par", new Place("FR", 48.86, 2.35, par.endpoint())));

            List<Model> models = client.models().list().data();

            assertThat(models).extracting(Model::id).contains("oc-models").doesNotHaveDuplicates();
            assertThat(models).filteredOn(m -> m.id().equals("oc-models")).singleElement()
                    .satisfies(m -> assertThat(m.ownedBy()).isEqualTo("flotilla"));
            assertThat(par.requests()).as("listing models asks no cluster").isZero();
        }
    }

    @Test
    void aChatCompletionComesFromTheNearestClusterWithAReceiptThatVerifiesOffline() throws Exception {
        try (var par = new OpenAiStandIn(vertx, "oc-cc-par"); var fra = new OpenAiStandIn(vertx, "oc-cc-fra")) {
            serve("oc-chat", "oc-cc", Map.of("oc-cc-par", new Place("FR", 48.86, 2.35, par.endpoint()),
                    "oc-cc-fra", new Place("DE", 50.11, 8.68, fra.endpoint())));
            ChatCompletionCreateParams params =
                    ChatCompletionCreateParams.builder().model("oc-chat").addUserMessage("hi").build();

            ChatCompletion plain = client.chat().completions().create(params);
            assertThat(plain.choices()).singleElement().satisfies(c -> {
                assertThat(c.message().content()).hasValue("hello from oc-cc-par");
                assertThat(c.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
            });
            assertThat(plain.model()).isEqualTo("oc-chat");

            try (HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse().create(params)) {
                assertThat(raw.statusCode()).isEqualTo(200);
                assertThat(raw.headers().values("X-Flotilla-Cluster")).containsExactly("oc-cc-par");
                ReceiptClaims claims = verifiedReceipt(raw, par.lastBody());
                assertThat(claims.cluster()).isEqualTo("oc-cc-par");
                assertThat(claims.clusterJurisdiction()).isEqualTo("FR");
                assertThat(claims.model()).isEqualTo("oc-chat");
                assertThat(claims.tenant()).isEqualTo("acme");
                assertThat(raw.parse().choices().get(0).message().content()).hasValue("hello from oc-cc-par");
            }
            assertThat(fra.requests()).isZero();
        }
    }

    @Test
    void aStreamedChatCompletionArrivesInChunksWithTheReceiptInItsHeaders() throws Exception {
        try (var par = new OpenAiStandIn(vertx, "oc-st-par"); var fra = new OpenAiStandIn(vertx, "oc-st-fra")) {
            serve("oc-stream", "oc-st", Map.of("oc-st-par", new Place("FR", 48.86, 2.35, par.endpoint()),
                    "oc-st-fra", new Place("DE", 50.11, 8.68, fra.endpoint())));
            ChatCompletionCreateParams params =
                    ChatCompletionCreateParams.builder().model("oc-stream").addUserMessage("hi").build();

            try (HttpResponseFor<StreamResponse<ChatCompletionChunk>> raw =
                    client.chat().completions().withRawResponse().createStreaming(params)) {
                // the headers are here while the stand-in still holds back the rest of its answer
                assertThat(raw.statusCode()).isEqualTo(200);
                assertThat(raw.headers().values("X-Flotilla-Cluster")).containsExactly("oc-st-par");
                assertThat(raw.headers().values("Content-Type")).containsExactly("text/event-stream");
                assertThat(verifiedReceipt(raw, par.lastBody()).cluster()).isEqualTo("oc-st-par");
                par.releaseStream();
                try (StreamResponse<ChatCompletionChunk> chunks = raw.parse()) {
                    assertThat(joined(chunks)).isEqualTo("hello from oc-st-par");
                }
            }

            try (StreamResponse<ChatCompletionChunk> chunks = client.chat().completions().createStreaming(params)) {
                par.releaseStream();
                List<ChatCompletionChunk> all = chunks.stream().toList();
                assertThat(all).hasSize(2).allSatisfy(c -> assertThat(c.model()).isEqualTo("oc-stream"));
                assertThat(all.get(1).choices().get(0).finishReason()).hasValue(ChatCompletionChunk.Choice.FinishReason.STOP);
                assertThat(all.stream().map(c -> c.choices().get(0).delta().content().orElse("")).collect(Collectors.joining()))
                        .isEqualTo("hello from oc-st-par");
            }
            assertThat(fra.requests()).isZero();
        }
    }

    @Test
    void embeddingsArriveWithTheClientsDefaultBase64AndAsFloatsAlike() throws Exception {
        try (var par = new OpenAiStandIn(vertx, "oc-em-par"); var fra = new OpenAiStandIn(vertx, "oc-em-fra")) {
            serve("oc-embed", "oc-em", Map.of("oc-em-par", new Place("FR", 48.86, 2.35, par.endpoint()),
                    "oc-em-fra", new Place("DE", 50.11, 8.68, fra.endpoint())));
            List<Float> expected = List.of(OpenAiStandIn.VECTOR[0], OpenAiStandIn.VECTOR[1]);

            try (HttpResponseFor<CreateEmbeddingResponse> raw = client.embeddings().withRawResponse().create(
                    EmbeddingCreateParams.builder().model("oc-embed").inputOfArrayOfStrings(List.of("a", "b")).build())) {
                assertThat(raw.headers().values("X-Flotilla-Cluster")).containsExactly("oc-em-par");
                assertThat(new String(par.lastBody(), StandardCharsets.UTF_8))
                        .as("the client's default").contains("\"encoding_format\":\"base64\"");
                assertThat(verifiedReceipt(raw, par.lastBody()).cluster()).isEqualTo("oc-em-par");
                CreateEmbeddingResponse defaults = raw.parse();
                assertThat(defaults.data()).extracting(e -> e.index()).containsExactly(0L, 1L);
                assertThat(defaults.data()).allSatisfy(e -> assertThat(e.embedding()).isEqualTo(expected));
                assertThat(defaults.usage().promptTokens()).isEqualTo(2);
                assertThat(defaults._additionalProperties()).containsEntry("cluster", JsonValue.from("oc-em-par"));
            }

            CreateEmbeddingResponse floats = client.embeddings().create(EmbeddingCreateParams.builder().model("oc-embed")
                    .input("a").encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT).build());
            assertThat(new String(par.lastBody(), StandardCharsets.UTF_8)).contains("\"encoding_format\":\"float\"");
            assertThat(floats.data()).singleElement().satisfies(e -> assertThat(e.embedding()).isEqualTo(expected));
            assertThat(floats._additionalProperties()).containsEntry("cluster", JsonValue.from("oc-em-par"));
            assertThat(fra.requests()).isZero();
        }
    }

    /** The receipt in the answer's headers, verified offline for {@code body}; its request id is the header's. */
    private static ReceiptClaims verifiedReceipt(HttpResponse raw, byte[] body) {
        assertThat(raw.headers().values("X-Flotilla-Receipt")).hasSize(1);
        ReceiptVerifier.Result verified = publishedKeys().verify(raw.headers().values("X-Flotilla-Receipt").get(0), body);
        assertThat(verified.valid()).as(verified.reason()).isTrue();
        assertThat(raw.headers().values("X-Flotilla-Request-Id")).containsExactly(verified.claims().requestId());
        return verified.claims();
    }

    private static String joined(StreamResponse<ChatCompletionChunk> chunks) {
        return chunks.stream().flatMap(c -> c.choices().stream()).map(c -> c.delta().content().orElse(""))
                .collect(Collectors.joining());
    }

    private void serve(String alias, String suite, Map<String, Place> clusters) throws Exception {
        RouterFixtures.serve(brokerPort, alias, suite, "EU", clusters);
    }
}
