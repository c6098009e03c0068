package io.flotilla.controlplane.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class OpenAiErrorsTest {

    @Test
    void aRejectionIsOpenAisErrorObjectWithEveryFieldPresent() {
        assertThat(OpenAiErrors.tooLarge(10).body()).isEqualTo("{\"error\":{\"message\":\"request body exceeds the limit "
                + "of 10 bytes\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"request_too_large\"}}");
        assertThat(OpenAiErrors.tooLarge(10).metric()).isEqualTo("too_large");
    }

    @Test
    void failuresOfEveryClusterCarryTheirReasonInAHeaderTooMadeSafeForIt() {
        OpenAiErrors.Rejection timeout = OpenAiErrors.upstreamTimeout("c1: no response within 3000 ms; caf\u00e9\n");
        assertThat(timeout.status()).isEqualTo(504);
        assertThat(timeout.type()).isEqualTo("server_error");
        assertThat(timeout.headers()).containsEntry(InferenceGateway.REASON_HEADER, "c1: no response within 3000 ms; caf??");
        assertThat(new JsonObject(timeout.body()).getJsonObject("error").getString("message")).endsWith("caf\u00e9\n");
        assertThat(OpenAiErrors.invalidUpstreamResponse("x").status()).isEqualTo(502);
        assertThat(OpenAiErrors.unavailable("x", "no_eligible_cluster").type()).isEqualTo("service_unavailable");
    }

    @Test
    void aStreamCutInTheMiddleEndsWithAnErrorEvent() {
        assertThat(OpenAiErrors.streamError("cut", "upstream_idle_timeout")).isEqualTo("data: {\"error\":{\"message\":"
                + "\"cut\",\"type\":\"server_error\",\"param\":null,\"code\":\"upstream_idle_timeout\"}}\n\n");
    }

    @Test
    void anUnknownUrlNamesItsMethodAndPathMadeSafe() {
        OpenAiErrors.Rejection r = OpenAiErrors.unknownUrl("GET", "/v1/nope\u0007");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.message()).isEqualTo("Invalid URL (GET /v1/nope?)");
        assertThat(r.code()).isEqualTo("unknown_url");
    }
}
