package io.flotilla.controlplane.auth;

import java.util.Optional;

/**
 * Which role a request needs, from its path and method alone: the one place access is decided.
 *
 * <ul>
 * <li>{@code /api/v1/tokens}, {@code /api/v1/users}, {@code /api/v1/enrollments}: admin</li>
 * <li>other {@code /api/**}: viewer to read (GET, HEAD), operator to change (POST, PUT, PATCH, DELETE)</li>
 * <li>{@code /q/health/**}, {@code /q/openapi}: open (probes; the API description is public documentation)</li>
 * <li>{@code /q/metrics} and the rest of {@code /q/**}: viewer (Prometheus sends a bearer token)</li>
 * <li>{@code /v1/**}: not decided here, the inference router checks its own API keys</li>
 * <li>everything else (the console's static pages, scripts, styles): open; they carry no data, and
 * their scripts send the token from the login page with every API call</li>
 * </ul>
 */
public final class AccessRules {

    private AccessRules() {
    }

    /** The role needed, or empty when the path is open (or not ours to guard). */
    public static Optional<Role> required(String method, String path) {
        String p = normalise(path);
        if (under(p, "/api")) {
            if (under(p, "/api/v1/tokens") || under(p, "/api/v1/users") || under(p, "/api/v1/enrollments")) {
                return Optional.of(Role.ADMIN);
            }
            return Optional.of(reads(method) ? Role.VIEWER : Role.OPERATOR);
        }
        if (under(p, "/q")) {
            if (under(p, "/q/health") || under(p, "/q/openapi")) {
                return Optional.empty();
            }
            return Optional.of(Role.VIEWER);
        }
        return Optional.empty();
    }

    private static boolean reads(String method) {
        return "GET".equals(method) || "HEAD".equals(method) || "OPTIONS".equals(method);
    }

    private static boolean under(String path, String prefix) {
        return path.equals(prefix) || path.startsWith(prefix + "/");
    }

    /** Collapses duplicate slashes and dot segments, so that {@code //api} or {@code /x/../api} cannot slip past. */
    static String normalise(String path) {
        if (path == null || path.isEmpty()) {
            return "/";
        }
        String[] parts = path.split("/");
        java.util.ArrayDeque<String> out = new java.util.ArrayDeque<>();
        for (String part : parts) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                out.pollLast();
            } else {
                out.addLast(part.toLowerCase(java.util.Locale.ROOT));
            }
        }
        return "/" + String.join("/", out);
    }
}
