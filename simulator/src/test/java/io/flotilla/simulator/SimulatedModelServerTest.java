package io.flotilla.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The stand-in model server's {@code /v1/embeddings}, over HTTP on 127.0.0.1, as an OpenAI client reads it. */
class SimulatedModelServerTest {

    /** Decimals as written, so that a float read back is exactly the float written. */
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static ExecutorService executor;
    private static SimulatedModelServer server;
    private static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        executor = Executors.newVirtualThreadPerTaskExecutor();
        server = new SimulatedModelServer("sim-1", 0, executor, Duration.ZERO);
        http = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop() {
        server.close();
        executor.close();
        http.close();
    }

    record Answer(int status, JsonNode body) {
    }

    private static Answer embeddings(String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.endpoint() + "/v1/embeddings"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
        return new Answer(r.statusCode(), JSON.readTree(r.body()));
    }

    private static float[] floats(JsonNode embedding) {
        float[] v = new float[embedding.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = embedding.get(i).decimalValue().floatValue();
        }
        return v;
    }

    private static float[] decode(JsonNode embedding) {
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(embedding.asText())).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[bytes.remaining() / Float.BYTES];
        bytes.asFloatBuffer().get(v);
        return v;
    }

    private static double norm(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        return Math.sqrt(sum);
    }

    @Test
    void oneNormalisedEmbeddingPerInputInOrderWithUsage() throws Exception {
        Answer a = embeddings("{\"model\":\"bge-small\",\"input\":[\"a\",\"b\",\"the quick brown fox\"]}");

        assertThat(a.status()).isEqualTo(200);
        assertThat(a.body().path("object").asText()).isEqualTo("list");
        assertThat(a.body().path("model").asText()).isEqualTo("bge-small");
        JsonNode data = a.body().path("data");
        assertThat(data).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(data.get(i).path("object").asText()).isEqualTo("embedding");
            assertThat(data.get(i).path("index").asInt(-1)).isEqualTo(i);
            float[] v = floats(data.get(i).path("embedding"));
            assertThat(v).hasSize(384);
            assertThat(norm(v)).isCloseTo(1.0, within(1e-4));
        }
        assertThat(floats(data.get(0).path("embedding"))).isNotEqualTo(floats(data.get(1).path("embedding")));
        assertThat(a.body().path("usage").path("prompt_tokens").asInt()).isEqualTo(1 + 1 + 4);
        assertThat(a.body().path("usage").path("total_tokens").asInt()).isEqualTo(6);
    }

    @Test
    void theSameTextEmbedsTheSameWhateverElseIsAskedAndDifferentTextsDiffer() throws Exception {
        float[] alone = floats(embeddings("{\"model\":\"m\",\"input\":\"b\"}").body().path("data").get(0).path("embedding"));
        JsonNode pair = embeddings("{\"model\":\"m\",\"input\":[\"a\",\"b\"]}").body().path("data");
        float[] again = floats(embeddings("{\"model\":\"m\",\"input\":\"b\"}").body().path("data").get(0).path("embedding"));

        assertThat(again).containsExactly(alone);
        assertThat(floats(pair.get(1).path("embedding"))).containsExactly(alone);
        float[] a = floats(pair.get(0).path("embedding"));
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * alone[i];
        }
        assertThat(Math.abs(dot)).as("cosine of two different texts' vectors").isLessThan(0.5);
    }

    @Test
    void base64IsTheSameVectorAsLittleEndianFloat32() throws Exception {
        Answer floats = embeddings("{\"model\":\"m\",\"input\":[\"hello world\",\"bonjour\"],\"encoding_format\":\"float\"}");
        Answer base64 = embeddings("{\"model\":\"m\",\"input\":[\"hello world\",\"bonjour\"],\"encoding_format\":\"base64\"}");

        assertThat(base64.status()).isEqualTo(200);
        assertThat(base64.body().path("data")).hasSize(2);
        for (int i = 0; i < 2; i++) {
            JsonNode embedding = base64.body().path("data").get(i).path("embedding");
            assertThat(embedding.isTextual()).as("a base64 string").isTrue();
            float[] decoded = decode(embedding);
            assertThat(decoded).hasSize(384);
            assertThat(decoded).containsExactly(floats(floats.body().path("data").get(i).path("embedding")));
            assertThat(base64.body().path("data").get(i).path("index").asInt(-1)).isEqualTo(i);
        }
        assertThat(base64.body().path("usage").path("prompt_tokens").asInt()).isEqualTo(3);
    }

    @Test
    void tokenArraysAreInputsToo() throws Exception {
        Answer one = embeddings("{\"model\":\"m\",\"input\":[101,2023,102]}");
        Answer two = embeddings("{\"model\":\"m\",\"input\":[[101,2023,102],[101,7592]]}");

        assertThat(one.body().path("data")).hasSize(1);
        assertThat(one.body().path("usage").path("prompt_tokens").asInt()).isEqualTo(3);
        assertThat(two.body().path("data")).hasSize(2);
        assertThat(two.body().path("usage").path("total_tokens").asInt()).isEqualTo(5);
        assertThat(floats(two.body().path("data").get(0).path("embedding")))
                .containsExactly(floats(one.body().path("data").get(0).path("embedding")));
    }

    @Test
    void dimensionsShortenTheVectorAndKeepItNormalised() throws Exception {
        Answer a = embeddings("{\"model\":\"m\",\"input\":\"a\",\"dimensions\":64,\"encoding_format\":\"base64\"}");

        float[] v = decode(a.body().path("data").get(0).path("embedding"));
        assertThat(v).hasSize(64);
        assertThat(norm(v)).isCloseTo(1.0, within(1e-4));
    }

    @Test
    void aBadRequestIsA400InOpenAisErrorShape() throws Exception {
        Answer format = embeddings("{\"model\":\"m\",\"input\":\"a\",\"encoding_format\":\"xml\"}");
        assertThat(format.status()).isEqualTo(400);
        JsonNode error = format.body().path("error");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("param").asText()).isEqualTo("encoding_format");
        assertThat(error.path("message").asText()).contains("'float' or 'base64'").contains("xml");
        assertThat(error.has("code")).isTrue();

        for (String body : new String[] {"{\"model\":\"m\"}", "{\"model\":\"m\",\"input\":[]}", "{\"model\":\"m\",\"input\":\"\"}",
                "{\"model\":\"m\",\"input\":[\"a\",1]}", "{\"model\":\"m\",\"input\":{}}"}) {
            Answer bad = embeddings(body);
            assertThat(bad.status()).as(body).isEqualTo(400);
            assertThat(bad.body().path("error").path("param").asText()).as(body).isEqualTo("input");
        }
        Answer dimensions = embeddings("{\"model\":\"m\",\"input\":\"a\",\"dimensions\":4096}");
        assertThat(dimensions.status()).isEqualTo(400);
        assertThat(dimensions.body().path("error").path("param").asText()).isEqualTo("dimensions");
        Answer notJson = embeddings("{\"input\":");
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.body().path("error").path("type").asText()).isEqualTo("invalid_request_error");
    }
}
