package io.flotilla.controlplane.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class InferenceRequestBodyTest {

    @Test
    void readsTheTopLevelModelAndStreamFlagOnly() throws Exception {
        var body = read("{\"messages\":[{\"model\":\"inner\",\"stream\":false}],\"stream\":true,\"model\":\"chat\",\"n\":1}");
        assertThat(body).isEqualTo(new InferenceRequestBody("chat", true));
        assertThat(read("{\"model\":\"chat\"}").stream()).isFalse();
        assertThat(read("{\"model\":\"chat\",\"stream\":null}").stream()).isFalse();
    }

    @Test
    void refusesWhatIsNotOneJsonObjectWithAModel() {
        String[][] cases = {
                {"", "invalid_json"},
                {"[1]", "invalid_json"},
                {"{\"model\":\"chat\"", "invalid_json"},
                {"{\"model\":\"chat\"} {}", "invalid_json"},
                {"{\"model\":\"chat\",\"messages\":[}", "invalid_json"},
                {"{\"messages\":[]}", "missing_model"},
                {"{\"model\":\"  \"}", "missing_model"},
                {"{\"model\":[\"chat\"]}", "invalid_type"},
                // found by RouterInputFuzzTest: a nested "stream" was read as the top level and refused as invalid JSON
                {"{\"metadata\":1e308,\"name\":true,\"stream\":{}}", "invalid_type"},
                {"{\"model\":\"chat\",\"stream\":{\"model\":\"other\"}}", "invalid_type"},
                {"{\"model\":\"chat\",\"stream\":\"true\"}", "invalid_type"},
        };
        for (String[] c : cases) {
            assertThatThrownBy(() -> read(c[0])).as(c[0]).isInstanceOf(InferenceRequestBody.Invalid.class)
                    .satisfies(e -> assertThat(((InferenceRequestBody.Invalid) e).code).isEqualTo(c[1]));
        }
    }

    /** Found by RouterInputFuzzTest: invalid UTF-8 in a string the router skips passed for JSON and went upstream. */
    @Test
    void refusesInvalidUtf8EvenInFieldsItDoesNotRead() {
        byte[] surrogate = {(byte) 0xed, (byte) 0xa0, (byte) 0x80};
        byte[] cut = {(byte) 0xe2, (byte) 0x82};
        for (byte[] bad : new byte[][] {surrogate, cut, {(byte) 0xff}}) {
            for (String json : new String[] {"{\"model\":\"embed\",\"encoding_format\":\"flBADoat\"}",
                    "{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"BAD\"}]}"}) {
                String[] parts = json.split("BAD");
                byte[] body = concat(parts[0].getBytes(StandardCharsets.UTF_8), bad, parts[1].getBytes(StandardCharsets.UTF_8));
                assertThatThrownBy(() -> InferenceRequestBody.read(body)).as(json).isInstanceOf(InferenceRequestBody.Invalid.class)
                        .satisfies(e -> assertThat(((InferenceRequestBody.Invalid) e).code).isEqualTo("invalid_json"));
            }
        }
    }

    private static byte[] concat(byte[]... parts) {
        var out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static final String SYSTEM = "You are a careful assistant. ".repeat(10);

    @Test
    void affinityKeyComesFromTheUserElseThePromptPrefix() throws Exception {
        long alice = read("{\"model\":\"chat\",\"user\":\"alice\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").affinityKey();
        assertThat(alice).isNotZero()
                .isEqualTo(read("{\"user\":\"alice\",\"model\":\"chat\",\"messages\":[]}").affinityKey())
                .isNotEqualTo(read("{\"model\":\"chat\",\"user\":\"bob\"}").affinityKey());
        String system = "{\"role\":\"system\",\"content\":\"" + SYSTEM + "\"}";
        long first = read("{\"model\":\"chat\",\"messages\":[" + system + ",{\"role\":\"user\",\"content\":\"Summarise this\"}]}")
                .affinityKey();
        long followUp = read("{\"model\":\"chat\",\"messages\":[" + system + ",{\"content\":\"Summarise this\",\"role\":\"user\"},"
                + "{\"role\":\"assistant\",\"content\":\"Done.\"},{\"role\":\"user\",\"content\":\"Shorter\"}]}").affinityKey();
        assertThat(first).as("a conversation keeps its prefix: system prompt and first question").isNotZero().isEqualTo(followUp);
        long parts = read("{\"model\":\"chat\",\"messages\":[" + system
                + ",{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Summarise this\"}]}]}").affinityKey();
        assertThat(parts).as("content parts hash their text").isNotZero();
        assertThat(read("{\"model\":\"e\",\"prompt\":\"" + SYSTEM + "\"}").affinityKey())
                .isEqualTo(read("{\"model\":\"e\",\"prompt\":\"" + SYSTEM + "\",\"max_tokens\":5}").affinityKey()).isNotZero();
        assertThat(read("{\"model\":\"e\",\"input\":\"x\"}").affinityKey()).as("no prompt, no key").isZero();
        assertThat(read("{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").affinityKey())
                .as("too short to be worth a cache").isZero();
    }

    @Test
    void onlyTheFirstPrefixCharactersCount() throws Exception {
        String a = "x".repeat(300) + "tail one";
        String b = "x".repeat(300) + "tail two";
        assertThat(InferenceRequestBody.read(("{\"model\":\"m\",\"prompt\":\"" + a + "\"}").getBytes(StandardCharsets.UTF_8), 300).affinityKey())
                .isNotZero()
                .isEqualTo(InferenceRequestBody.read(("{\"model\":\"m\",\"prompt\":\"" + b + "\"}").getBytes(StandardCharsets.UTF_8), 300)
                        .affinityKey());
        assertThat(read("{\"model\":\"m\",\"prompt\":\"" + a + "\"}").affinityKey())
                .isNotEqualTo(read("{\"model\":\"m\",\"prompt\":\"" + b + "\"}").affinityKey());
    }

    @Test
    void theSessionHeaderWinsOverTheBody() {
        assertThat(AffinityKey.choose("s-1", 42)).isNotEqualTo(42).isEqualTo(AffinityKey.choose("s-1", 7));
        assertThat(AffinityKey.choose(null, 42)).isEqualTo(42);
        assertThat(AffinityKey.choose("", 42)).isEqualTo(42);
    }

    private static InferenceRequestBody read(String json) throws InferenceRequestBody.Invalid {
        return InferenceRequestBody.read(json.getBytes(StandardCharsets.UTF_8));
    }
}
