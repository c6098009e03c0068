package io.flotilla.controlplane.routing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProxyHeadersTest {

    @Test
    void onlyJsonRequestBodiesAreAccepted() {
        assertThat(ProxyHeaders.isJson("application/json")).isTrue();
        assertThat(ProxyHeaders.isJson("Application/JSON; charset=utf-8")).isTrue();
        assertThat(ProxyHeaders.isJson(" application/json ;charset=UTF-8")).isTrue();
        // what a cross-site form can send without a CORS preflight, and nothing at all
        assertThat(ProxyHeaders.isJson("text/plain")).isFalse();
        assertThat(ProxyHeaders.isJson("text/plain; a=application/json")).isFalse();
        assertThat(ProxyHeaders.isJson("application/x-www-form-urlencoded")).isFalse();
        assertThat(ProxyHeaders.isJson("multipart/form-data; boundary=x")).isFalse();
        assertThat(ProxyHeaders.isJson(null)).isFalse();
        assertThat(ProxyHeaders.isJson("")).isFalse();
        assertThat(ProxyHeaders.isJson("application/jsonp")).isFalse();
    }

    @Test
    void webPagesAreRecognisedWhateverTheirParameters() {
        assertThat(ProxyHeaders.isHtml("text/html")).isTrue();
        assertThat(ProxyHeaders.isHtml("TEXT/HTML; charset=iso-8859-1")).isTrue();
        assertThat(ProxyHeaders.isHtml("application/xhtml+xml")).isTrue();
        assertThat(ProxyHeaders.isHtml("application/json")).isFalse();
        assertThat(ProxyHeaders.isHtml("text/event-stream")).isFalse();
        assertThat(ProxyHeaders.isHtml(null)).isFalse();
    }

    @Test
    void upstreamResponseHeadersPassAnAllowList() {
        for (String name : new String[] {"Content-Type", "content-encoding", "X-Request-Id", "x-ratelimit-remaining-requests",
                "X-RateLimit-Reset-Tokens", "Retry-After", "openai-processing-ms", "OpenAI-Model"}) {
            assertThat(ProxyHeaders.passesFromUpstream(name)).as(name).isTrue();
        }
        for (String name : new String[] {"Set-Cookie", "set-cookie2", "Access-Control-Allow-Origin",
                "Access-Control-Allow-Credentials", "Server", "X-Powered-By", "Location", "Refresh",
                "Content-Security-Policy", "Cache-Control", "Content-Length", "Transfer-Encoding", "Connection",
                "X-Flotilla-Cluster", "Strict-Transport-Security", "x-ratelimit"}) {
            assertThat(ProxyHeaders.passesFromUpstream(name)).as(name).isFalse();
        }
    }
}
