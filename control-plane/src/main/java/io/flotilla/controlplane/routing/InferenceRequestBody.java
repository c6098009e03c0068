package io.flotilla.controlplane.routing;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * What the router needs from an OpenAI-shaped request body: the top-level {@code model} and {@code stream}, and the
 * affinity key ({@link AffinityKey}: the {@code user}, else a hash of the prompt's start). Read with a streaming
 * parser that checks the whole body is one valid JSON object (valid UTF-8 included) but builds no tree; the body
 * itself is forwarded byte for byte.
 */
record InferenceRequestBody(String model, boolean stream, long affinityKey) {

    private static final JsonFactory JSON = JsonFactory.builder().build();
    /** The default prompt prefix for affinity: 256 tokens of about four characters. */
    static final int DEFAULT_PREFIX_CHARS = 256 * PromptPrefix.CHARS_PER_TOKEN;

    InferenceRequestBody(String model, boolean stream) {
        this(model, stream, AffinityKey.NONE);
    }

    static final class Invalid extends Exception {
        final String param;
        final String code;

        Invalid(String message, String param, String code) {
            super(message, null, false, false);
            this.param = param;
            this.code = code;
        }
    }

    static InferenceRequestBody read(byte[] body) throws Invalid {
        return read(body, DEFAULT_PREFIX_CHARS);
    }

    /** @param prefixChars how much of the prompt's start the prefix affinity key covers */
    static InferenceRequestBody read(byte[] body, int prefixChars) throws Invalid {
        String model = null;
        boolean stream = false;
        long user = AffinityKey.NONE;
        var prefix = new PromptPrefix(prefixChars);
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new Invalid("the request body must be a JSON object", null, "invalid_json");
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("model".equals(name)) {
                    if (value != JsonToken.VALUE_STRING) {
                        throw new Invalid("'model' must be a string", "model", "invalid_type");
                    }
                    model = p.getText();
                } else if ("stream".equals(name)) {
                    // anything but a boolean (or null) is refused: a nested value would otherwise be read as if it
                    // were the top level, and a "true" in quotes would stream upstream while the router expects not
                    if (value != JsonToken.VALUE_TRUE && value != JsonToken.VALUE_FALSE && value != JsonToken.VALUE_NULL) {
                        throw new Invalid("'stream' must be true or false", "stream", "invalid_type");
                    }
                    stream = value == JsonToken.VALUE_TRUE;
                } else if ("user".equals(name) && value == JsonToken.VALUE_STRING) {
                    user = AffinityKey.of('u', p.getText());
                } else if ("messages".equals(name)) {
                    prefix.messages(p, value);
                } else if ("prompt".equals(name)) {
                    prefix.text(p, value);
                } else {
                    skipDecodingStrings(p, value);
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new Invalid("the request body must be exactly one JSON object", null, "invalid_json");
            }
        } catch (JsonProcessingException e) {
            throw new Invalid("the request body is not valid JSON: " + e.getOriginalMessage(), null, "invalid_json");
        } catch (IOException e) {
            throw new Invalid("the request body is not valid JSON: " + e.getMessage(), null, "invalid_json");
        }
        if (model == null || model.isBlank()) {
            throw new Invalid("'model' is required: the routing alias of a Flotilla policy", "model", "missing_model");
        }
        return new InferenceRequestBody(model, stream, user != AffinityKey.NONE ? user : prefix.key());
    }

    /**
     * Skips the value that starts with {@code first}, decoding each string in it: a skipped string is only scanned
     * for its closing quote, so invalid UTF-8 inside it would pass for JSON.
     */
    static void skipDecodingStrings(JsonParser p, JsonToken first) throws IOException {
        int depth = 0;
        for (JsonToken t = first; t != null; t = p.nextToken()) {
            switch (t) {
                case START_OBJECT, START_ARRAY -> depth++;
                case END_OBJECT, END_ARRAY -> depth--;
                case VALUE_STRING -> p.finishToken();
                default -> {
                }
            }
            if (depth == 0) {
                return;
            }
        }
    }
}
