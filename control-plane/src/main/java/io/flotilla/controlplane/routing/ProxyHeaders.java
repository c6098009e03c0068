package io.flotilla.controlplane.routing;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the router lets through in headers, both ways. The router answers on its own origin (often the same one as
 * the console), so anything a model server or a box in front of it says about cookies, CORS or caching would be
 * said in the router's name: upstream response headers pass an allow-list instead of a deny-list.
 */
final class ProxyHeaders {

    /**
     * Upstream response headers passed to the client. Content-Length and Transfer-Encoding are not here: the
     * router sets them for its own framing. Content-Encoding is, because bodies pass byte for byte (the client's
     * Accept-Encoding is forwarded and the router does not decompress).
     */
    private static final Set<String> PASSED = caseInsensitive("content-type", "content-encoding", "x-request-id",
            "retry-after", "openai-processing-ms", "openai-model", "openai-version");

    /** OpenAI's rate-limit headers ({@code x-ratelimit-limit-requests}, {@code x-ratelimit-reset-tokens}, ...). */
    private static final String PASSED_PREFIX = "x-ratelimit-";

    private ProxyHeaders() {
    }

    static boolean passesFromUpstream(String name) {
        return PASSED.contains(name) || name.regionMatches(true, 0, PASSED_PREFIX, 0, PASSED_PREFIX.length());
    }

    /**
     * Whether a request's Content-Type is JSON ({@code application/json}, parameters such as charset allowed). A
     * browser sends a cross-site form (text/plain, urlencoded, multipart) without asking the server first; JSON it
     * sends only after a CORS preflight, which the router never grants.
     */
    static boolean isJson(String contentType) {
        return "application/json".equals(mediaType(contentType));
    }

    /** Whether an upstream answered a web page: a proxy's or a login portal's, never a model server's. */
    static boolean isHtml(String contentType) {
        String type = mediaType(contentType);
        return "text/html".equals(type) || "application/xhtml+xml".equals(type);
    }

    /** The media type without parameters, lower case; null when there is none. */
    static String mediaType(String contentType) {
        if (contentType == null) {
            return null;
        }
        int semicolon = contentType.indexOf(';');
        String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
        return type.isEmpty() ? null : type;
    }

    static Set<String> caseInsensitive(String... names) {
        var set = new TreeSet<String>(String.CASE_INSENSITIVE_ORDER);
        set.addAll(Set.of(names));
        return set;
    }
}
