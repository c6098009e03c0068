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

    private static InferenceRequestBody read(String json) throws InferenceRequestBody.Invalid {
        return InferenceRequestBody.read(json.getBytes(StandardCharsets.UTF_8));
    }
}
