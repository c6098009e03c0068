package io.flotilla.controlplane.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
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
 * {@code flotilla.router.port} with {@code flotilla.router.tls-configuration-name}: /v1 on a port of its own serves
 * HTTPS with the same named TLS configuration as the main port ({@code quarkus.http.tls-configuration-name}), and
 * only HTTPS.
 */
@QuarkusTest
@TestProfile(RouterOwnPortHttpsTest.NamedTlsConfiguration.class)
class RouterOwnPortHttpsTest {

    public static class NamedTlsConfiguration implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(TestCertificatesResource.class, Map.of(
                    TestCertificatesResource.TLS_NAME, "flotilla", TestCertificatesResource.ROUTER_OWN_PORT, "true")));
        }
    }

    @ConfigProperty(name = "quarkus.http.test-ssl-port")
    int httpsPort;

    @ConfigProperty(name = "flotilla.router.port")
    int routerPort;

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
    void servesV1OverTlsOnTheRoutersOwnPort() throws Exception {
        HttpResponse<String> models = client.get(router("/v1/models"), Map.of("Authorization", "Bearer sk-test-acme"));

        assertThat(models.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(models.body()).getString("object")).isEqualTo("list");
        X509Certificate served = (X509Certificate) models.sslSession().orElseThrow().getPeerCertificates()[0];
        assertThat(served.getSubjectX500Principal().getName()).isEqualTo("CN=localhost");

        HttpResponse<String> keyless = client.get(router("/v1/models"));
        assertThat(keyless.statusCode()).isEqualTo(401);
        assertThat(new JsonObject(keyless.body()).getJsonObject("error").getString("code")).isEqualTo("invalid_api_key");
        // only /v1 there: the API stays on the main port, which serves it with the same named configuration
        assertThat(client.get(router("/api/v1/clusters")).statusCode()).isEqualTo(404);
        assertThat(client.get("https://127.0.0.1:" + httpsPort + "/api/v1/clusters").statusCode()).isEqualTo(200);
    }

    @Test
    void answersNoPlainHttpOnTheRoutersOwnPort() {
        assertThatThrownBy(() -> client.get("http://127.0.0.1:" + routerPort + "/v1/models",
                Map.of("Authorization", "Bearer sk-test-acme")))
                .isInstanceOf(IOException.class).isNotInstanceOf(HttpTimeoutException.class);
    }

    @Test
    void failsTheHandshakeOfAClientThatDoesNotTrustTheCa() throws Exception {
        HttpsClient stranger = HttpsClient.trusting(foreignCa);

        assertThatThrownBy(() -> stranger.get(router("/v1/models"))).isInstanceOf(SSLHandshakeException.class);
    }

    private String router(String path) {
        return "https://127.0.0.1:" + routerPort + path;
    }
}
