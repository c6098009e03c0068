package io.flotilla.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The demo model server's embeddings through OpenAI's official Java client, with its defaults (which ask for base64)
 * and asking for floats: one vector per input, 384 dimensions, the same vector either way.
 */
class OfficialClientEmbeddingsTest {

    private static ExecutorService executor;
    private static SimulatedModelServer server;
    private static OpenAIClient client;

    @BeforeAll
    static void start() throws Exception {
        executor = Executors.newVirtualThreadPerTaskExecutor();
        server = new SimulatedModelServer("sim-1", 0, executor, Duration.ZERO);
        client = OpenAIOkHttpClient.builder().baseUrl(server.endpoint() + "/v1").apiKey("not-checked").maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
        executor.close();
    }

    @Test
    void theClientsDefaultRequestGetsOneVectorPerInput() {
        CreateEmbeddingResponse r = client.embeddings().create(EmbeddingCreateParams.builder()
                .model("demo-embed").inputOfArrayOfStrings(List.of("a", "b", "a")).build());

        assertThat(r.data()).hasSize(3);
        assertThat(r.data()).extracting(e -> e.index()).containsExactly(0L, 1L, 2L);
        assertThat(r.data().get(0).embedding()).hasSize(384);
        assertThat(r.data().get(0).embedding()).isEqualTo(r.data().get(2).embedding()).isNotEqualTo(r.data().get(1).embedding());
        assertThat(r.usage().promptTokens()).isEqualTo(3);
    }

    @Test
    void floatsAndBase64CarryTheSameVector() {
        var base64 = client.embeddings().create(EmbeddingCreateParams.builder().model("demo-embed").input("hello world")
                .encodingFormat(EmbeddingCreateParams.EncodingFormat.BASE64).build());
        var floats = client.embeddings().create(EmbeddingCreateParams.builder().model("demo-embed").input("hello world")
                .encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT).build());

        assertThat(base64.data().get(0).embedding()).hasSize(384).isEqualTo(floats.data().get(0).embedding());
    }
}
