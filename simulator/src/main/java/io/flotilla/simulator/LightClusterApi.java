package io.flotilla.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.zjsonpatch.JsonPatch;
import io.fabric8.zjsonpatch.JsonPatchException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A light in-memory Kubernetes API: what the agent's reconcile code and the {@link SimulatedKubelet} ask of a
 * cluster, answered from hash maps. It stands in for fabric8's CRUD mock server, which answers every request,
 * even a read by name, by matching every object it holds under one lock: at 10,000 clusters that scan took 73%
 * of the simulator's CPU (JFR), so the simulator, not Flotilla, set the pace of the convergence benchmark.
 *
 * <p>It is a dispatcher for fabric8's {@code KubernetesMockServer}, so the HTTP side and
 * {@code server.createClient()} stay fabric8's. Objects are kept per resource (group/version and plural), then
 * per namespace, then by name: a read by name costs two hash lookups, and a list in a namespace costs only
 * that namespace's objects. It answers:
 * <ul>
 *   <li>{@code GET} of an object or of its {@code status}, and of a collection in one namespace or across all
 *       of them, with an equality-based {@code labelSelector};</li>
 *   <li>{@code POST} to a collection (create);</li>
 *   <li>{@code PATCH} of an object with {@code application/apply-patch+yaml}: server-side apply, which creates
 *       the object when it is missing, else replaces its labels, annotations and content ({@code spec},
 *       {@code data}...) with the applied ones and keeps its status. Field managers are not tracked: in the
 *       simulator the agent is the only one applying;</li>
 *   <li>{@code PATCH} of an object or of its {@code status} with {@code application/json-patch+json};</li>
 *   <li>{@code DELETE} of an object.</li>
 * </ul>
 * Like Kubernetes, it answers a missing object with 404 and a {@code Status} body, keeps status out of writes
 * to the object and everything but status out of writes to {@code status}, gives every write that changes
 * something the next resource version of this API (a write that changes nothing keeps the version, which is
 * how the agent tells a no-op apply), and raises {@code metadata.generation} when the content changes. Watches
 * are refused (501): informers need {@code --cluster-api crud}. Anything else is refused with a {@code Status}
 * naming the request.
 */
final class LightClusterApi extends Dispatcher {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new YAMLMapper();
    private static final String APPLY_PATCH = "application/apply-patch+yaml";
    private static final String JSON_PATCH = "application/json-patch+json";
    /** Kept from the stored object, whatever a write to it says. */
    private static final List<String> KEPT_FIELDS = List.of("apiVersion", "kind");
    private static final List<String> KEPT_METADATA =
            List.of("name", "namespace", "uid", "creationTimestamp", "generation", "resourceVersion");
    /** Not content: a change of anything else raises the generation. */
    private static final List<String> NOT_CONTENT = List.of("apiVersion", "kind", "metadata", "status");

    /** Objects by resource, then namespace ("" for cluster-scoped objects), then name. */
    private final ConcurrentMap<Resource, ResourceStore> stores = new ConcurrentHashMap<>();
    private final AtomicLong lastResourceVersion = new AtomicLong();

    /** A kind of object as API paths name it, e.g. {@code apps/v1} and {@code deployments}. */
    private record Resource(String groupVersion, String plural) {

        /** "" for the core group. */
        String group() {
            int slash = groupVersion.indexOf('/');
            return slash < 0 ? "" : groupVersion.substring(0, slash);
        }

        /** An object of it as Kubernetes names one in messages: {@code deployments.apps "chat"}. */
        String describe(String name) {
            return (group().isEmpty() ? plural : plural + "." + group()) + " \"" + name + "\"";
        }
    }

    /** An object as stored: the JSON it is answered with, and what lists sort and select it by. */
    private record Stored(String namespace, String name, Map<String, String> labels, String json) {
    }

    /** The objects of one resource. */
    private static final class ResourceStore {
        /** The kind of the objects written to it, for the kind of its lists. */
        volatile String kind;
        final ConcurrentMap<String, ConcurrentMap<String, Stored>> byNamespace = new ConcurrentHashMap<>();
    }

    /**
     * What a request path names. {@code namespace} is "" when the path has none: a cluster-scoped object, or a
     * list across all namespaces. {@code name} is null for a collection; {@code status} is true for an object's
     * status subresource.
     */
    private record Target(Resource resource, String namespace, String name, boolean status) {

        /** Null when the path is not one of {@code /api/v1/...} or {@code /apis/GROUP/VERSION/...}. */
        static Target parse(String path) {
            String[] segments = path.substring(1).split("/");
            int start;
            String groupVersion;
            if (segments.length >= 3 && segments[0].equals("api") && segments[1].equals("v1")) {
                start = 2;
                groupVersion = "v1";
            } else if (segments.length >= 4 && segments[0].equals("apis")) {
                start = 3;
                groupVersion = segments[1] + "/" + segments[2];
            } else {
                return null;
            }
            String namespace = "";
            int remaining = segments.length - start;
            // namespaces/NS/PLURAL..., but not namespaces/NAME/status, the status of a namespace
            if (segments[start].equals("namespaces") && remaining >= 3
                    && !(remaining == 3 && segments[start + 2].equals("status"))) {
                namespace = segments[start + 1];
                start += 2;
                remaining -= 2;
            }
            if (remaining > 3 || remaining == 3 && !segments[start + 2].equals("status")) {
                return null;
            }
            return new Target(new Resource(groupVersion, segments[start]), namespace,
                    remaining >= 2 ? segments[start + 1] : null, remaining == 3);
        }
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        try {
            return answer(request);
        } catch (IllegalArgumentException e) {
            return status(400, "BadRequest", request.getMethod() + " " + request.getPath() + ": " + e.getMessage());
        } catch (RuntimeException e) {
            // an exception here would leave the client waiting for its timeout
            return status(500, "InternalError", request.getMethod() + " " + request.getPath() + ": " + e);
        }
    }

    private MockResponse answer(RecordedRequest request) {
        String path = request.getPath();
        int q = path.indexOf('?');
        Map<String, String> query = q < 0 ? Map.of() : query(path.substring(q + 1));
        Target target = Target.parse(q < 0 ? path : path.substring(0, q));
        String method = request.getMethod();
        if (target == null) {
            return status(404, "NotFound", "the light simulated cluster API has no " + path);
        }
        if ("true".equals(query.get("watch")) || "1".equals(query.get("watch"))) {
            return status(501, "NotImplemented",
                    "the light simulated cluster API answers no watches; informers need --cluster-api crud");
        }
        if (target.name() == null) {
            return switch (method) {
                case "GET" -> list(target, query.get("labelSelector"));
                case "POST" -> create(target, object(JSON, request.getUtf8Body()));
                default -> notAllowed(method, path);
            };
        }
        return switch (method) {
            case "GET" -> get(target);
            case "PATCH" -> patch(target, request.getHeader("Content-Type"), request.getUtf8Body());
            case "DELETE" -> target.status() ? notAllowed(method, path) : delete(target);
            default -> notAllowed(method, path);
        };
    }

    private MockResponse get(Target target) {
        ConcurrentMap<String, Stored> objects = objects(target);
        Stored stored = objects == null ? null : objects.get(target.name());
        return stored == null ? notFound(target) : json(200, stored.json());
    }

    private MockResponse list(Target target, String labelSelector) {
        Predicate<Map<String, String>> selected = labelSelector(labelSelector);
        ResourceStore store = stores.get(target.resource());
        Stream<ConcurrentMap<String, Stored>> namespaces = store == null ? Stream.empty()
                : target.namespace().isEmpty() ? store.byNamespace.values().stream()
                : Stream.ofNullable(store.byNamespace.get(target.namespace()));
        String resourceVersion = Long.toString(lastResourceVersion.get());
        String items = namespaces.flatMap(objects -> objects.values().stream())
                .filter(stored -> selected.test(stored.labels()))
                .sorted(Comparator.comparing(Stored::namespace).thenComparing(Stored::name))
                .map(Stored::json)
                .collect(Collectors.joining(",", "[", "]"));
        String kind = store == null || store.kind == null ? "List" : store.kind + "List";
        ObjectNode list = JSON.createObjectNode()
                .put("apiVersion", target.resource().groupVersion())
                .put("kind", kind);
        list.putObject("metadata").put("resourceVersion", resourceVersion);
        list.putRawValue("items", new RawValue(items));
        return json(200, list.toString());
    }

    private MockResponse create(Target target, ObjectNode object) {
        ObjectNode metadata = object.withObjectProperty("metadata");
        String name = metadata.path("name").asText("");
        String namespace = metadata.path("namespace").asText(target.namespace());
        if (name.isEmpty()) {
            return status(422, "Invalid", target.resource().plural() + ": metadata.name is required");
        }
        if (target.name() != null && !name.equals(target.name()) || !namespace.equals(target.namespace())) {
            return status(400, "BadRequest", "the object's name or namespace is not the request's: " + namespace
                    + "/" + name);
        }
        if (!namespace.isEmpty()) {
            metadata.put("namespace", namespace);
        }
        metadata.put("uid", UUID.randomUUID().toString())
                .put("creationTimestamp", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString())
                .put("generation", 1)
                .put("resourceVersion", Long.toString(lastResourceVersion.incrementAndGet()));
        ResourceStore store = stores.computeIfAbsent(target.resource(), r -> new ResourceStore());
        if (object.hasNonNull("kind")) {
            store.kind = object.get("kind").asText();
        }
        Stored stored = stored(object);
        Stored existing = store.byNamespace.computeIfAbsent(namespace, n -> new ConcurrentHashMap<>())
                .putIfAbsent(name, stored);
        if (existing != null) {
            return objectStatus(409, "AlreadyExists", target.resource(), name, "already exists");
        }
        return json(201, stored.json());
    }

    private MockResponse patch(Target target, String contentType, String body) {
        String type = contentType == null ? "" : contentType.split(";")[0].trim();
        if (type.equals(APPLY_PATCH) && !target.status()) {
            ObjectNode applied = object(body.stripLeading().startsWith("{") ? JSON : YAML, body);
            MockResponse changed = change(target, current -> withAppliedContent(current, applied));
            return changed != null ? changed : create(target, applied);
        }
        if (type.equals(JSON_PATCH)) {
            JsonNode operations = parse(JSON, body);
            try {
                MockResponse changed = change(target, current -> (ObjectNode) JsonPatch.apply(operations, current));
                return changed != null ? changed : notFound(target);
            } catch (JsonPatchException e) {
                return objectStatus(422, "Invalid", target.resource(), target.name(), e.getMessage());
            }
        }
        return status(415, "UnsupportedMediaType", "the light simulated cluster API takes " + JSON_PATCH + ", and "
                + APPLY_PATCH + " on objects, not " + contentType);
    }

    /** Server-side apply to an existing object: the applier's labels, annotations and content win, status stays. */
    private static ObjectNode withAppliedContent(ObjectNode current, ObjectNode applied) {
        ObjectNode candidate = current.retain("apiVersion", "kind", "metadata");
        applied.properties().stream().filter(field -> !NOT_CONTENT.contains(field.getKey()))
                .forEach(field -> candidate.set(field.getKey(), field.getValue()));
        ObjectNode metadata = candidate.withObjectProperty("metadata");
        copyField(applied.withObjectProperty("metadata"), metadata, "labels");
        copyField(applied.withObjectProperty("metadata"), metadata, "annotations");
        return candidate;
    }

    /**
     * Writes {@code edit} of the target object, atomically for that object; null when the object is missing.
     * Status changes only through the status subresource, the object's other fields only through the object.
     */
    private MockResponse change(Target target, UnaryOperator<ObjectNode> edit) {
        ConcurrentMap<String, Stored> objects = objects(target);
        if (objects == null) {
            return null;
        }
        Stored written = objects.computeIfPresent(target.name(), (name, current) -> {
            ObjectNode before = object(JSON, current.json());
            ObjectNode edited = edit.apply(before.deepCopy());
            ObjectNode after = target.status() ? before.deepCopy() : edited;
            copyField(target.status() ? edited : before, after, "status");
            ObjectNode metadata = after.withObjectProperty("metadata");
            KEPT_FIELDS.forEach(field -> copyField(before, after, field));
            KEPT_METADATA.forEach(field -> copyField((ObjectNode) before.get("metadata"), metadata, field));
            if (after.equals(before)) {
                return current;
            }
            if (!content(after).equals(content(before))) {
                metadata.put("generation", before.path("metadata").path("generation").asLong(0) + 1);
            }
            metadata.put("resourceVersion", Long.toString(lastResourceVersion.incrementAndGet()));
            return stored(after);
        });
        return written == null ? null : json(200, written.json());
    }

    private MockResponse delete(Target target) {
        ConcurrentMap<String, Stored> objects = objects(target);
        Stored removed = objects == null ? null : objects.remove(target.name());
        if (removed == null) {
            return notFound(target);
        }
        lastResourceVersion.incrementAndGet();
        return json(200, removed.json());
    }

    /** The target's namespace of its resource, or null when nothing was ever written there. */
    private ConcurrentMap<String, Stored> objects(Target target) {
        ResourceStore store = stores.get(target.resource());
        return store == null ? null : store.byNamespace.get(target.namespace());
    }

    /**
     * An equality-based label selector ({@code k=v}, {@code k==v}, {@code k!=v}, {@code k}, {@code !k}, joined by
     * commas); null or blank selects everything.
     */
    private static Predicate<Map<String, String>> labelSelector(String expression) {
        Predicate<Map<String, String>> selector = labels -> true;
        if (expression == null || expression.isBlank()) {
            return selector;
        }
        if (expression.contains("(")) {
            throw new IllegalArgumentException("the light simulated cluster API takes equality-based label "
                    + "selectors only, not " + expression);
        }
        for (String requirement : expression.split(",")) {
            selector = selector.and(requirement(requirement.trim()));
        }
        return selector;
    }

    private static Predicate<Map<String, String>> requirement(String requirement) {
        int notEquals = requirement.indexOf("!=");
        if (notEquals > 0) {
            String key = requirement.substring(0, notEquals).trim();
            String value = requirement.substring(notEquals + 2).trim();
            return labels -> !value.equals(labels.get(key));
        }
        int equals = requirement.indexOf('=');
        if (equals > 0) {
            String key = requirement.substring(0, equals).trim();
            String value = requirement.substring(requirement.startsWith("==", equals) ? equals + 2 : equals + 1).trim();
            return labels -> value.equals(labels.get(key));
        }
        if (requirement.startsWith("!")) {
            String key = requirement.substring(1).trim();
            return labels -> !labels.containsKey(key);
        }
        if (requirement.isEmpty()) {
            throw new IllegalArgumentException("empty requirement in label selector");
        }
        return labels -> labels.containsKey(requirement);
    }

    private static Stored stored(ObjectNode object) {
        JsonNode metadata = object.path("metadata");
        Map<String, String> labels = new HashMap<>();
        metadata.path("labels").properties().forEach(label -> labels.put(label.getKey(), label.getValue().asText()));
        return new Stored(metadata.path("namespace").asText(""), metadata.path("name").asText(), Map.copyOf(labels),
                object.toString());
    }

    private static ObjectNode content(ObjectNode object) {
        return object.deepCopy().without(NOT_CONTENT);
    }

    private static void copyField(ObjectNode from, ObjectNode to, String field) {
        JsonNode value = from.get(field);
        if (value == null) {
            to.remove(field);
        } else {
            to.set(field, value);
        }
    }

    private static ObjectNode object(ObjectMapper mapper, String text) {
        if (parse(mapper, text) instanceof ObjectNode object) {
            return object;
        }
        throw new IllegalArgumentException("the body is not an object");
    }

    private static JsonNode parse(ObjectMapper mapper, String text) {
        try {
            return mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("unreadable body: " + e.getOriginalMessage(), e);
        }
    }

    private static Map<String, String> query(String query) {
        Map<String, String> parameters = new HashMap<>();
        for (String parameter : query.split("&")) {
            int eq = parameter.indexOf('=');
            String name = eq < 0 ? parameter : parameter.substring(0, eq);
            String value = eq < 0 ? "" : parameter.substring(eq + 1);
            parameters.put(URLDecoder.decode(name, StandardCharsets.UTF_8),
                    URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return parameters;
    }

    private static MockResponse notFound(Target target) {
        return objectStatus(404, "NotFound", target.resource(), target.name(), "not found");
    }

    private static MockResponse notAllowed(String method, String path) {
        return status(405, "MethodNotAllowed", "the light simulated cluster API does not answer " + method + " "
                + path);
    }

    /** A Kubernetes {@code Status} answer about one object, named in its details as Kubernetes does. */
    private static MockResponse objectStatus(int code, String reason, Resource resource, String name, String what) {
        ObjectNode status = statusBody(code, reason, resource.describe(name) + " " + what);
        status.putObject("details").put("name", name).put("group", resource.group()).put("kind", resource.plural());
        return json(code, status.toString());
    }

    private static MockResponse status(int code, String reason, String message) {
        return json(code, statusBody(code, reason, message).toString());
    }

    private static ObjectNode statusBody(int code, String reason, String message) {
        ObjectNode status = JSON.createObjectNode()
                .put("apiVersion", "v1")
                .put("kind", "Status")
                .put("status", "Failure")
                .put("message", message)
                .put("reason", reason)
                .put("code", code);
        status.putObject("metadata");
        return status;
    }

    private static MockResponse json(int code, String body) {
        return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json").setBody(body);
    }
}
