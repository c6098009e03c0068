package io.flotilla.controlplane.tls;

import io.flotilla.controlplane.broker.TestCertificateAuthority;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;

/** The JDK's HTTP client with a TLS context that trusts only the given CA, as an agent or a browser would hold it. */
final class HttpsClient {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final HttpClient http;

    private HttpsClient(SSLContext tls) {
        this.http = HttpClient.newBuilder().sslContext(tls).connectTimeout(TIMEOUT).build();
    }

    static HttpsClient trusting(Path caCertificate) throws IOException, GeneralSecurityException {
        return new HttpsClient(TestCertificateAuthority.trusting(caCertificate));
    }

    HttpResponse<String> get(String uri, Map<String, String> headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri)).timeout(TIMEOUT).GET();
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String uri) throws IOException, InterruptedException {
        return get(uri, Map.of());
    }
}
