package io.flotilla.controlplane.routing;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * Hashes the start of a prompt as it streams by, for prefix affinity: the text of the chat {@code messages} up to and
 * including the first {@code user} message (the system prompt and the question, where a multi-turn conversation
 * keeps its prefix), or a completion's {@code prompt}, and at most {@code maxChars} characters of it. Tokens are
 * approximated as four characters, so the default 256 tokens are the first 1,024 characters. A prompt shorter than
 * {@value #MIN_CHARS} characters (64 tokens, four of vLLM's cache blocks) gives no key: there is little to reuse, and
 * every "hi" of every client would otherwise be sent to one cluster. Every string is still decoded (the body's UTF-8
 * is checked as before); nothing but the hash is kept.
 */
final class PromptPrefix {

    /** Characters per token, for the configured prefix length in tokens. */
    static final int CHARS_PER_TOKEN = 4;
    /** The shortest prompt start that gives a key (or the whole configured prefix, if shorter). */
    static final int MIN_CHARS = 64 * CHARS_PER_TOKEN;

    private final int maxChars;
    private long hash = AffinityKey.add(AffinityKey.FNV_OFFSET, 'p');
    private int chars;
    private boolean done;

    PromptPrefix(int maxChars) {
        this.maxChars = maxChars;
    }

    /** The key, or {@link AffinityKey#NONE} when the prompt's start is too short to be worth a cache. */
    long key() {
        return chars == 0 || chars < Math.min(MIN_CHARS, maxChars) ? AffinityKey.NONE : AffinityKey.nonZero(hash);
    }

    /** Reads a {@code messages} value whose first token is {@code first}, feeding the prefix. */
    void messages(JsonParser p, JsonToken first) throws IOException {
        if (first != JsonToken.START_ARRAY) {
            InferenceRequestBody.skipDecodingStrings(p, first);
            return;
        }
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
            if (t != JsonToken.START_OBJECT || done) {
                InferenceRequestBody.skipDecodingStrings(p, t);
                continue;
            }
            boolean user = false;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("role".equals(name) && value == JsonToken.VALUE_STRING) {
                    user = "user".equals(p.getText());
                } else if ("content".equals(name) || "text".equals(name)) {
                    text(p, value);
                } else {
                    InferenceRequestBody.skipDecodingStrings(p, value);
                }
            }
            done = user;
        }
    }

    /** Feeds every string of a value (a content string, or an array of content parts), in order. */
    void text(JsonParser p, JsonToken first) throws IOException {
        int depth = 0;
        for (JsonToken t = first; t != null; t = p.nextToken()) {
            switch (t) {
                case START_OBJECT, START_ARRAY -> depth++;
                case END_OBJECT, END_ARRAY -> depth--;
                case VALUE_STRING -> feed(p.getText());
                default -> {
                }
            }
            if (depth == 0) {
                return;
            }
        }
    }

    private void feed(String s) {
        int n = Math.min(s.length(), maxChars - chars);
        if (done || n <= 0) {
            return;
        }
        hash = AffinityKey.add(hash, s, n);
        chars += n;
    }
}
