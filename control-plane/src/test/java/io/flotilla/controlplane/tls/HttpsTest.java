package io.flotilla.controlplane.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLHandshakeException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * HTTPS on the main port from PEM files in the TLS registry's default configuration ({@code quarkus.tls.key-store.*}),
 * plain HTTP disabled: the API, the console, health and the inference router (on the main port) all answer over TLS
 * with the test CA's certificate, and nothing answers without it.
 */
@QuarkusTest
@TestProfile(HttpsTest.DefaultTlsConfiguration.class)
class HttpsTest {

    public static class DefaultTlsConfiguration implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(TestCertificatesResource.class));
        }
    }

    @ConfigProperty(name = "quarkus.http.test-ssl-port")
    int httpsPort;

    @ConfigProperty(name = TestCertificatesResource.CLOSED_HTTP_PORT_PROPERTY)
    int closedHttpPort;

    @ConfigProperty(name = TestCertificatesResource.CA_PROPERTY)
    Path ca;

    @ConfigProperty(name = TestCertificatesResource.FOREIGN_CA_PROPERTY)
    Path foreignCa;

    private HttpsClient client;

    @BeforeEach
    void trustTheTestCa() throws Exception {
        client = HttpsClient.trusting(ca);
    }

    @Test
    void servesReadinessOverTlsWithTheConfiguredCertificate() throws Exception {
        HttpResponse<String> ready = client.get(https("/q/health/ready"));

        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(ready.body()).getString("status")).isEqualTo("UP");
        X509Certificate served = (X509Certificate) ready.sslSession().orElseThrow().getPeerCertificates()[0];
        assertThat(served.getSubjectX500Principal().getName()).isEqualTo("CN=localhost");
    }

    @Test
    void servesTheApiOverTls() throws Exception {
        HttpResponse<String> clusters = client.get(https("/api/v1/clusters"));

        assertThat(clusters.statusCode()).isEqualTo(200);
        assertThat(clusters.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(new JsonArray(clusters.body())).isNotNull();
    }

    @Test
    void servesTheConsoleOverTlsWithItsSecurityHeaders() throws Exception {
        HttpResponse<String> page = client.get(https("/index.html"));

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(page.body()).contains("<html");
        assertThat(page.headers().firstValue("Content-Security-Policy"))
                .hasValueSatisfying(csp -> assertThat(csp).contains("default-src 'self'", "frame-ancestors 'none'"));
        assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(page.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
    }

    @Test
    void servesTheInferenceRouterOverTlsOnTheMainPort() throws Exception {
        HttpResponse<String> models = client.get(https("/v1/models"), Map.of("Authorization", "Bearer sk-test-acme"));

        assertThat(models.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(models.body()).getString("object")).isEqualTo("list");
        assertThat(models.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");

        HttpResponse<String> keyless = client.get(https("/v1/models"), Map.of("Authorization", "Bearer not-a-key"));
        assertThat(keyless.statusCode()).isEqualTo(401);
        assertThat(new JsonObject(keyless.body()).getJsonObject("error").getString("code")).isEqualTo("invalid_api_key");
    }

    @Test
    void answersNoPlainHttpOnTheTlsPortNorOnTheHttpPort() {
        assertThatThrownBy(() -> client.get("http://127.0.0.1:" + httpsPort + "/q/health/ready"))
                .isInstanceOf(IOException.class).isNotInstanceOf(HttpTimeoutException.class);
        assertThatThrownBy(() -> client.get("http://127.0.0.1:" + closedHttpPort + "/q/health/ready"))
                .isInstanceOf(ConnectException.class);
    }

    @Test
    void failsTheHandshakeOfAClientThatDoesNotTrustTheCa() throws Exception {
        HttpsClient stranger = HttpsClient.trusting(foreignCa);

        assertThatThrownBy(() -> stranger.get(https("/q/health/ready"))).isInstanceOf(SSLHandshakeException.class);
        assertThatThrownBy(() -> stranger.get(https("/api/v1/clusters"))).isInstanceOf(SSLHandshakeException.class);
    }

    private String https(String path) {
        return "https://127.0.0.1:" + httpsPort + path;
    }
}
