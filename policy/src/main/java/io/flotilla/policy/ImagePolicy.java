package io.flotilla.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which container images a fleet's policies may name: only from {@code allowedRegistries} (when any are
 * given), and only pinned by digest (with {@code requireDigest}). It is the fleet's setting, not a policy's:
 * the control plane takes it from its configuration and fleetctl from options, so a policy author cannot
 * relax it.
 *
 * <p>An entry of {@code allowedRegistries} is a registry host ({@code ghcr.io}, {@code registry.example.com:5000})
 * or a registry with a path prefix ({@code docker.io/vllm}); an image matches when its repository, with the
 * registry spelled out as the container runtime resolves it, is the entry or lies below it.
 */
public record ImagePolicy(List<String> allowedRegistries, boolean requireDigest) {

    /** No restriction: what the parser uses unless told otherwise. */
    public static final ImagePolicy NONE = new ImagePolicy(List.of(), false);

    static final String DEFAULT_REGISTRY = "docker.io";
    private static final Set<String> DEFAULT_REGISTRY_ALIASES = Set.of("docker.io", "index.docker.io", "registry-1.docker.io");
    private static final Pattern DIGEST = Pattern.compile(".+@sha256:[0-9a-f]{64}");

    public ImagePolicy {
        allowedRegistries = Objects.requireNonNull(allowedRegistries, "allowedRegistries").stream()
                .map(String::strip).filter(e -> !e.isEmpty()).map(ImagePolicy::normaliseEntry).distinct().toList();
    }

    /** Every rule of this policy that {@code image} breaks, in words; empty when it is allowed. */
    public List<String> problems(String image) {
        var problems = new ArrayList<String>();
        if (!allowedRegistries.isEmpty()) {
            String repository = repository(image);
            boolean allowed = allowedRegistries.stream()
                    .anyMatch(entry -> repository.equals(entry) || repository.startsWith(entry + "/"));
            if (!allowed) {
                problems.add("image '" + image + "' comes from " + repository.substring(0, repository.indexOf('/'))
                        + " (" + repository + "), which the fleet's image policy does not allow; allowed: "
                        + String.join(", ", allowedRegistries));
            }
        }
        if (requireDigest && !DIGEST.matcher(image).matches()) {
            problems.add("the fleet's image policy requires images pinned by digest, such as "
                    + image.replaceFirst("[:@][^/]*$", "") + "@sha256:<64 hex digits> (got '" + image + "')");
        }
        return problems;
    }

    /**
     * The repository an image reference names, with its registry spelled out as container runtimes resolve it:
     * {@code vllm/vllm-openai:v0.8.5} is {@code docker.io/vllm/vllm-openai}, {@code ubuntu} is
     * {@code docker.io/library/ubuntu}, {@code ghcr.io/org/app@sha256:...} is {@code ghcr.io/org/app}.
     */
    public static String repository(String image) {
        String name = image;
        int at = name.indexOf('@');
        if (at >= 0) {
            name = name.substring(0, at);
        }
        int colon = name.lastIndexOf(':');
        if (colon > name.lastIndexOf('/')) {
            name = name.substring(0, colon);
        }
        int slash = name.indexOf('/');
        String first = slash < 0 ? "" : name.substring(0, slash);
        boolean hasRegistry = first.contains(".") || first.contains(":") || first.equals("localhost");
        String registry = hasRegistry ? registry(first) : DEFAULT_REGISTRY;
        String path = hasRegistry ? name.substring(slash + 1) : name;
        if (registry.equals(DEFAULT_REGISTRY) && !path.contains("/")) {
            path = "library/" + path; // Docker Hub's official images
        }
        return registry + "/" + path;
    }

    private static String registry(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return DEFAULT_REGISTRY_ALIASES.contains(h) ? DEFAULT_REGISTRY : h;
    }

    private static String normaliseEntry(String entry) {
        String e = entry.replaceAll("/+$", "");
        int slash = e.indexOf('/');
        return slash < 0 ? registry(e) : registry(e.substring(0, slash)) + e.substring(slash);
    }
}
