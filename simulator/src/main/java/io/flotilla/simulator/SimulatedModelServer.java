package io.flotilla.simulator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An OpenAI-shaped stand-in for a simulated cluster's model server, on 127.0.0.1 at a random port: answers
 * {@code /v1/chat/completions} and {@code /v1/completions} naming its cluster, streaming server-sent events, a word
 * at a time, when the request says {@code "stream": true}; and {@code /v1/embeddings} as OpenAI does, one
 * deterministic vector per input, as floats or base64 (see {@link SimulatedEmbeddings}). The simulated agent reports its
 * address as the workload's endpoint, so the control plane's router reaches it as it would a real cluster.
 *
 * <p>Also runs alone, as the upstream of the router benchmark (bench/router/run.sh):
 * {@code java -cp simulator/target/flotilla-simulator.jar io.flotilla.simulator.SimulatedModelServer PORT [NAME]}.
 */
public final class SimulatedModelServer implements AutoCloseable {

    private static final Pattern MODEL = Pattern.compile("\"model\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern STREAM = Pattern.compile("\"stream\"\\s*:\\s*true");

    private final String cluster;
    private final HttpServer server;
    private final Duration tokenInterval;

    public SimulatedModelServer(String cluster, int port, ExecutorService executor, Duration tokenInterval) throws IOException {
        this.cluster = cluster;
        this.tokenInterval = tokenInterval;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
        server.setExecutor(executor);
        server.createContext("/v1/", this::handle);
        server.start();
    }

    /** The address the agent reports, e.g. {@code http://127.0.0.1:41234}. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (!exchange.getRequestMethod().equals("POST")) {
                send(exchange, 405, error("use POST"));
                return;
            }
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Matcher m = MODEL.matcher(body);
            String model = m.find() ? m.group(1) : "";
            switch (path) {
                case "/v1/chat/completions", "/v1/completions" -> {
                    boolean chat = path.equals("/v1/chat/completions");
                    if (STREAM.matcher(body).find()) {
                        stream(exchange, model, chat);
                    } else {
                        String text = "Hello from " + cluster + ".";
                        send(exchange, 200, chat
                                ? "{\"id\":\"chatcmpl-sim\",\"object\":\"chat.completion\",\"created\":0,\"model\":\"" + model
                                        + "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" + text
                                        + "\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":3,"
                                        + "\"total_tokens\":4}}"
                                : "{\"id\":\"cmpl-sim\",\"object\":\"text_completion\",\"created\":0,\"model\":\"" + model
                                        + "\",\"choices\":[{\"index\":0,\"text\":\"" + text + "\",\"finish_reason\":\"stop\"}]}");
                    }
                }
                case "/v1/embeddings" -> {
                    try {
                        send(exchange, 200, SimulatedEmbeddings.answer(body));
                    } catch (SimulatedEmbeddings.InvalidRequest e) {
                        send(exchange, 400, SimulatedEmbeddings.error(e.getMessage(), e.param()));
                    }
                }
                default -> send(exchange, 404, error("no such path " + path));
            }
        }
    }

    private void stream(HttpExchange exchange, String model, boolean chat) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        String[] words = {"Hello", " from", " " + cluster, "."};
        for (String word : words) {
            String event = chat
                    ? "{\"id\":\"chatcmpl-sim\",\"object\":\"chat.completion.chunk\",\"model\":\"" + model
                            + "\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + word + "\"}}]}"
                    : "{\"id\":\"cmpl-sim\",\"object\":\"text_completion\",\"model\":\"" + model
                            + "\",\"choices\":[{\"index\":0,\"text\":\"" + word + "\"}]}";
            out.write(("data: " + event + "\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            pause();
        }
        out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
    }

    /** The time a model takes per token; on a virtual thread this parks, holding no platform thread. */
    private void pause() {
        if (!tokenInterval.isZero()) {
            try {
                Thread.sleep(tokenInterval);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void send(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static String error(String message) {
        return SimulatedEmbeddings.error(message, null);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: SimulatedModelServer PORT [NAME]");
            System.exit(2);
        }
        var server = new SimulatedModelServer(args.length > 1 ? args[1] : "stand-in", Integer.parseInt(args[0]),
                Executors.newVirtualThreadPerTaskExecutor(), Duration.ZERO);
        System.out.println("model server stand-in on " + server.endpoint());
        Thread.currentThread().join();
    }
}
