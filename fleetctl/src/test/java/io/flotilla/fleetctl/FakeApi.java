package io.flotilla.fleetctl;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A stand-in for the control plane's REST API on 127.0.0.1 and a free port: records every request (method,
 * path, decoded query, headers, body) and answers from canned responses keyed by "METHOD /path". A request
 * nobody expected gets 404, so a client that calls the wrong path fails its test.
 */
final class FakeApi implements AutoCloseable {

    record Request(String method, String path, String rawQuery, Map<String, String> query, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }
    }

    record Answer(int status, String body, String contentType, Map<String, String> headers) {
        Answer(int status, String body, String contentType) {
            this(status, body, contentType, Map.of());
        }

        static Answer json(int status, String body) {
            return new Answer(status, body, "application/json");
        }
    }

    private final HttpServer server;
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Function<Request, Answer>> routes = new HashMap<>();

    FakeApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    FakeApi on(String method, String path, int status, String json) {
        return on(method, path, r -> Answer.json(status, json));
    }

    synchronized FakeApi on(String method, String path, Function<Request, Answer> answer) {
        routes.put(method + " " + path, answer);
        return this;
    }

    List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String rawQuery = exchange.getRequestURI().getRawQuery();
            var query = new LinkedHashMap<String, String>();
            if (rawQuery != null) {
                for (String pair : rawQuery.split("&")) {
                    int eq = pair.indexOf('=');
                    String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                    String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                    query.put(key, value);
                }
            }
            var headers = new HashMap<String, String>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), String.join(",", v)));
            var request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), rawQuery,
                    Map.copyOf(query), Map.copyOf(headers), body);
            requests.add(request);
            Function<Request, Answer> route;
            synchronized (this) {
                route = routes.get(request.method() + " " + request.path());
            }
            Answer answer = route != null ? route.apply(request)
                    : Answer.json(404, "{\"status\":404,\"error\":\"fake API has no route for " + request.method() + " " + request.path() + "\",\"details\":[]}");
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", answer.contentType());
            answer.headers().forEach(exchange.getResponseHeaders()::set);
            exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                exchange.getResponseBody().write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
