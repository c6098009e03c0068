package io.flotilla.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;

/**
 * {@code POST /v1/embeddings} as OpenAI answers it, for the stand-in model server: one embedding per input (a string,
 * an array of strings, an array of token ids or an array of such arrays), in input order with its {@code index};
 * each a unit vector of {@link #DIMENSIONS} floats that depends only on its input, so equal texts embed equally and
 * different texts differently; as a JSON array or, with {@code "encoding_format": "base64"} (the official clients'
 * default), as the base64 of its little-endian float32 values; and {@code usage} counted in whitespace-separated
 * words (token ids count one each). The numbers mean nothing: similar texts are not near each other.
 */
final class SimulatedEmbeddings {

    /** As a small sentence-embedding model's (all-MiniLM-L6-v2, bge-small). */
    static final int DIMENSIONS = 384;
    /** OpenAI's limit on the inputs of one request. */
    static final int MAX_INPUTS = 2048;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A request OpenAI would refuse: HTTP 400 with {@code error.message} and {@code error.param}. */
    static final class InvalidRequest extends Exception {
        private final String param;

        InvalidRequest(String param, String message) {
            super(message, null, false, false);
            this.param = param;
        }

        String param() {
            return param;
        }
    }

    private record Input(String key, int tokens) {
    }

    private SimulatedEmbeddings() {
    }

    /** OpenAI's error body: {@code {"error": {"message", "type": "invalid_request_error", "param", "code": null}}}. */
    static String error(String message, String param) {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("error").put("message", message).put("type", "invalid_request_error").put("param", param).putNull("code");
        return body.toString();
    }

    /** The answer to a request body, as JSON. */
    static String answer(String body) throws InvalidRequest {
        JsonNode request;
        try {
            request = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new InvalidRequest(null, "the body is not valid JSON: " + e.getOriginalMessage());
        }
        if (request == null || !request.isObject()) {
            throw new InvalidRequest(null, "the body must be a JSON object");
        }
        List<Input> inputs = inputs(request.get("input"));
        boolean base64 = base64(request.get("encoding_format"));
        int dimensions = dimensions(request.get("dimensions"));
        JsonNode model = request.get("model");

        ObjectNode answer = JSON.createObjectNode().put("object", "list");
        ArrayNode data = answer.putArray("data");
        int tokens = 0;
        for (int i = 0; i < inputs.size(); i++) {
            float[] vector = embed(inputs.get(i).key(), dimensions);
            ObjectNode item = data.addObject().put("object", "embedding").put("index", i);
            if (base64) {
                item.put("embedding", toBase64(vector));
            } else {
                ArrayNode values = item.putArray("embedding");
                for (float v : vector) {
                    values.add(v);
                }
            }
            tokens += inputs.get(i).tokens();
        }
        answer.put("model", model != null && model.isTextual() ? model.asText() : "");
        answer.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
        return answer.toString();
    }

    /**
     * A unit vector seeded by the input alone (a 64-bit FNV-1a hash of its UTF-8 bytes): the first {@code dimensions}
     * of the full vector, normalised again, as OpenAI shortens its embeddings.
     */
    static float[] embed(String key, int dimensions) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            hash = (hash ^ (b & 0xff)) * 0x100000001b3L;
        }
        SplittableRandom random = new SplittableRandom(hash);
        double[] full = new double[DIMENSIONS];
        for (int i = 0; i < DIMENSIONS; i++) {
            full[i] = random.nextDouble(-1, 1);
        }
        double norm = 0;
        for (int i = 0; i < dimensions; i++) {
            norm += full[i] * full[i];
        }
        norm = Math.sqrt(norm);
        float[] vector = new float[dimensions];
        for (int i = 0; i < dimensions; i++) {
            vector[i] = (float) (full[i] / norm);
        }
        return vector;
    }

    /** Little-endian float32, as OpenAI encodes {@code "encoding_format": "base64"}. */
    static String toBase64(float[] vector) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : vector) {
            bytes.putFloat(v);
        }
        return Base64.getEncoder().encodeToString(bytes.array());
    }

    private static List<Input> inputs(JsonNode input) throws InvalidRequest {
        if (input == null || input.isNull()) {
            throw new InvalidRequest("input", "'input' is required: a string, an array of strings, an array of token ids "
                    + "or an array of arrays of token ids");
        }
        if (input.isTextual()) {
            return List.of(text(input.asText()));
        }
        if (!input.isArray() || input.isEmpty()) {
            throw new InvalidRequest("input", "'input' must be a non-empty string or a non-empty array");
        }
        if (input.size() > MAX_INPUTS) {
            throw new InvalidRequest("input", "'input' holds " + input.size() + " items; at most " + MAX_INPUTS + " are allowed");
        }
        if (input.get(0).isIntegralNumber()) {
            return List.of(tokens(input)); // one input, as token ids
        }
        var inputs = new ArrayList<Input>(input.size());
        for (JsonNode item : input) {
            if (item.isTextual()) {
                inputs.add(text(item.asText()));
            } else if (item.isArray() && !item.isEmpty()) {
                inputs.add(tokens(item));
            } else {
                throw new InvalidRequest("input", "'input' must hold only strings, or only arrays of token ids");
            }
        }
        return inputs;
    }

    private static Input text(String text) throws InvalidRequest {
        if (text.isEmpty()) {
            throw new InvalidRequest("input", "'input' must not hold an empty string");
        }
        String trimmed = text.strip();
        return new Input("text:" + text, trimmed.isEmpty() ? 1 : trimmed.split("\\s+").length);
    }

    private static Input tokens(JsonNode ids) throws InvalidRequest {
        var key = new StringBuilder("tokens:");
        for (JsonNode id : ids) {
            if (!id.isIntegralNumber() || id.asLong() < 0) {
                throw new InvalidRequest("input", "token ids must be non-negative integers");
            }
            key.append(id.asLong()).append(',');
        }
        return new Input(key.toString(), ids.size());
    }

    private static boolean base64(JsonNode format) throws InvalidRequest {
        if (format == null || format.isNull()) {
            return false;
        }
        return switch (format.isTextual() ? format.asText() : "") {
            case "float" -> false;
            case "base64" -> true;
            default -> throw new InvalidRequest("encoding_format", "'encoding_format' must be 'float' or 'base64' (got "
                    + format + ")");
        };
    }

    private static int dimensions(JsonNode dimensions) throws InvalidRequest {
        if (dimensions == null || dimensions.isNull()) {
            return DIMENSIONS;
        }
        if (!dimensions.isIntegralNumber() || !dimensions.canConvertToInt() || dimensions.asInt() < 1 || dimensions.asInt() > DIMENSIONS) {
            throw new InvalidRequest("dimensions", "'dimensions' must be an integer from 1 to " + DIMENSIONS + " (got "
                    + dimensions + ")");
        }
        return dimensions.asInt();
    }
}
