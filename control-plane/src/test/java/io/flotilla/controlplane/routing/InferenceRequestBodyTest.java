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
        };
        for (String[] c : cases) {
            assertThatThrownBy(() -> read(c[0])).as(c[0]).isInstanceOf(InferenceRequestBody.Invalid.class)
                    .satisfies(e -> assertThat(((InferenceRequestBody.Invalid) e).code).isEqualTo(c[1]));
        }
    }

    private static InferenceRequestBody read(String json) throws InferenceRequestBody.Invalid {
        return InferenceRequestBody.read(json.getBytes(StandardCharsets.UTF_8));
    }
}
