package io.flotilla.controlplane.routing;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A model server in miniature, one per simulated cluster: answers the OpenAI paths on loopback, naming its cluster in
 * each answer, in the shape OpenAI's own API answers (ids, {@code created}, indexes, finish reasons, {@code usage};
 * embeddings as floats or, when asked, base64), so that OpenAI's official clients accept it. A streamed chat answer
 * sends its first event at once and the rest only when {@link #releaseStream()} is called, so a test can see the first
 * event arrive while the upstream is still writing. It can also misbehave: answer an error status or a web page, never
 * answer, or stop in the middle of a body.
 */
final class OpenAiStandIn implements AutoCloseable {

    /** The vector every input gets; exact in float32, so floats and base64 carry the same numbers. */
    static final float[] VECTOR = {0.25f, -0.5f};

    private static final long CREATED = 1_700_000_000L;

    private enum Behaviour { ANSWER, WEB_PAGE, HANG, STALL_MID_BODY }

    private final String cluster;
    private final HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger cutShort = new AtomicInteger();
    private volatile byte[] lastBody = new byte[0];
    private volatile CompletableFuture<Void> streamGate = new CompletableFuture<>();
    private volatile int status = 200;
    private volatile Behaviour behaviour = Behaviour.ANSWER;
    private volatile Map<String, String> extraHeaders = Map.of();

    OpenAiStandIn(Vertx vertx, String cluster) throws Exception {
        this.cluster = cluster;
        this.server = vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    int requests() {
        return requests.get();
    }

    /** The body of the last request, exactly as it arrived. */
    byte[] lastBody() {
        return lastBody.clone();
    }

    /** Answers every request with this status from now on (e.g. 503 for an overloaded model server). */
    void answerWith(int status) {
        this.status = status;
    }

    /** Answers every request with a web page (a proxy's error page, say) that sets a cookie. */
    void answerWithWebPage() {
        behaviour = Behaviour.WEB_PAGE;
    }

    /** Reads requests and never answers them. */
    void hang() {
        behaviour = Behaviour.HANG;
    }

    /** Sends headers and part of a fixed-length JSON body, then nothing more. */
    void stallMidBody() {
        behaviour = Behaviour.STALL_MID_BODY;
    }

    /** Headers added to every normal answer. */
    void addHeaders(Map<String, String> headers) {
        this.extraHeaders = Map.copyOf(headers);
    }

    void releaseStream() {
        streamGate.complete(null);
    }

    /** Answers whose connection was closed by the other side before this stand-in finished them. */
    int cutShort() {
        return cutShort.get();
    }

    private void handle(HttpServerRequest req) {
        req.response().closeHandler(v -> {
            if (!req.response().ended()) {
                cutShort.incrementAndGet();
            }
        });
        req.body().onSuccess(body -> {
            lastBody = body.getBytes();
            requests.incrementAndGet();
            switch (behaviour) {
                case WEB_PAGE -> {
                    req.response().putHeader("content-type", "text/html; charset=utf-8")
                            .putHeader("set-cookie", "portal-session=abc; Path=/; HttpOnly")
                            .end("<html><body><form action=\"/login\">Sign in to continue</form></body></html>");
                    return;
                }
                case HANG -> {
                    return;
                }
                case STALL_MID_BODY -> {
                    req.response().putHeader("content-type", "application/json").putHeader("content-length", "1000")
                            .write("{\"object\":\"chat.completion\",");
                    return;
                }
                case ANSWER -> {
                }
            }
            if (status != 200) {
                req.response().setStatusCode(status).end("{\"error\":{\"message\":\"overloaded\"}}");
                return;
            }
            JsonObject in = body.length() == 0 ? new JsonObject() : body.toJsonObject();
            String model = in.getString("model", "");
            String id = "chatcmpl-" + cluster + "-" + requests.get();
            if (in.getBoolean("stream", false)) {
                var out = req.response().setChunked(true).putHeader("content-type", "text/event-stream");
                out.write(event(id, model, new JsonObject().put("role", "assistant").put("content", "hello"), null));
                CompletableFuture<Void> gate = streamGate;
                Context context = Vertx.currentContext();
                gate.thenRun(() -> context.runOnContext(v -> {
                    out.write(event(id, model, new JsonObject().put("content", " from " + cluster), "stop"));
                    out.end("data: [DONE]\n\n");
                    streamGate = new CompletableFuture<>();
                }));
                return;
            }
            JsonObject answer = req.path().endsWith("/embeddings") ? embeddings(in, model) : new JsonObject()
                    .put("id", id).put("object", "chat.completion").put("created", CREATED).put("model", model)
                    .put("cluster", cluster)
                    .put("choices", new JsonArray().add(new JsonObject().put("index", 0)
                            .put("message", new JsonObject().put("role", "assistant").put("content", "hello from " + cluster)
                                    .putNull("refusal"))
                            .putNull("logprobs").put("finish_reason", "stop")))
                    .put("usage", new JsonObject().put("prompt_tokens", 1).put("completion_tokens", 3).put("total_tokens", 4));
            var out = req.response();
            extraHeaders.forEach(out::putHeader);
            out.putHeader("content-type", "application/json").end(answer.encode());
        });
    }

    /** One {@link #VECTOR} per input: a JSON array or, with {@code "encoding_format": "base64"}, little-endian float32. */
    private JsonObject embeddings(JsonObject in, String model) {
        Object input = in.getValue("input");
        int inputs = input instanceof JsonArray list ? list.size() : 1;
        boolean base64 = "base64".equals(in.getString("encoding_format"));
        JsonArray data = new JsonArray();
        for (int i = 0; i < inputs; i++) {
            Object embedding;
            if (base64) {
                ByteBuffer bytes = ByteBuffer.allocate(VECTOR.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                for (float f : VECTOR) {
                    bytes.putFloat(f);
                }
                embedding = Base64.getEncoder().encodeToString(bytes.array());
            } else {
                JsonArray floats = new JsonArray();
                for (float f : VECTOR) {
                    floats.add(f);
                }
                embedding = floats;
            }
            data.add(new JsonObject().put("object", "embedding").put("index", i).put("embedding", embedding));
        }
        return new JsonObject().put("object", "list").put("model", model).put("cluster", cluster).put("data", data)
                .put("usage", new JsonObject().put("prompt_tokens", inputs).put("total_tokens", inputs));
    }

    private String event(String id, String model, JsonObject delta, String finishReason) {
        return "data: " + new JsonObject().put("id", id).put("object", "chat.completion.chunk").put("created", CREATED)
                .put("model", model).put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("delta", delta)
                        .put("finish_reason", finishReason)))
                .encode() + "\n\n";
    }

    @Override
    public void close() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
