package io.flotilla.policy.schema;

import io.flotilla.policy.CanonicalPolicy;
import io.flotilla.policy.Json;
import io.flotilla.policy.JurisdictionCatalog;
import io.flotilla.policy.Sites;
import io.flotilla.policy.schema.Shape.BooleanShape;
import io.flotilla.policy.schema.Shape.ConstShape;
import io.flotilla.policy.schema.Shape.EnumShape;
import io.flotilla.policy.schema.Shape.EnvShape;
import io.flotilla.policy.schema.Shape.IntOrPercentShape;
import io.flotilla.policy.schema.Shape.IntegerShape;
import io.flotilla.policy.schema.Shape.JurisdictionShape;
import io.flotilla.policy.schema.Shape.ListShape;
import io.flotilla.policy.schema.Shape.MapShape;
import io.flotilla.policy.schema.Shape.NumberShape;
import io.flotilla.policy.schema.Shape.ObjectShape;
import io.flotilla.policy.schema.Shape.QuantityKind;
import io.flotilla.policy.schema.Shape.QuantityShape;
import io.flotilla.policy.schema.Shape.SiteShape;
import io.flotilla.policy.schema.Shape.StringShape;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the JSON Schema (draft-07, what yaml-language-server reads best) of FleetPolicy documents from
 * {@link PolicySchema}. The published copy is docs/schema/fleetpolicy-v1alpha1.json; run {@link #main} with
 * that path to regenerate it.
 */
public final class JsonSchemaGenerator {

    public static final String FILE_NAME = "fleetpolicy-v1alpha1.json";

    private final JurisdictionCatalog jurisdictions;
    private final Sites sites;

    public JsonSchemaGenerator(JurisdictionCatalog jurisdictions, Sites sites) {
        this.jurisdictions = jurisdictions;
        this.sites = sites;
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: JsonSchemaGenerator OUTPUT.json");
            System.exit(2);
        }
        String json = new JsonSchemaGenerator(JurisdictionCatalog.builtIn(), Sites.builtIn()).generate();
        Files.writeString(Path.of(args[0]), json, StandardCharsets.UTF_8);
    }

    public String generate() {
        var root = new LinkedHashMap<String, Object>();
        root.put("$schema", "http://json-schema.org/draft-07/schema#");
        root.put("title", "Flotilla FleetPolicy v1alpha1");
        root.putAll(object(PolicySchema.FLEET_POLICY));
        var definitions = new LinkedHashMap<String, Object>();
        for (ObjectShape o : PolicySchema.objects()) {
            if (o != PolicySchema.FLEET_POLICY) {
                definitions.put(o.title(), object(o));
            }
        }
        root.put("definitions", definitions);
        return Json.pretty(root);
    }

    private Map<String, Object> object(ObjectShape shape) {
        var m = new LinkedHashMap<String, Object>();
        m.put("type", "object");
        m.put("description", shape.description());
        m.put("additionalProperties", false);
        var required = new ArrayList<String>();
        var properties = new LinkedHashMap<String, Object>();
        for (Field f : shape.fields()) {
            if (f.presence() == Field.Presence.REQUIRED) {
                required.add(f.name());
            }
            properties.put(f.name(), field(f));
        }
        if (!required.isEmpty()) {
            m.put("required", required);
        }
        m.put("properties", properties);
        return m;
    }

    private Map<String, Object> field(Field f) {
        if (f.shape() instanceof ObjectShape o) {
            return Map.of("$ref", "#/definitions/" + o.title());
        }
        var m = new LinkedHashMap<String, Object>();
        m.put("description", f.description());
        m.putAll(shape(f.shape()));
        switch (f.presence()) {
            case DEFAULT -> m.put("default", CanonicalPolicy.value(f.defaultValue(), f.shape()));
            case DEFAULT_EMPTY -> m.put("default", f.shape() instanceof ListShape ? List.of() : Map.of());
            default -> {
            }
        }
        return m;
    }

    private Map<String, Object> shape(Shape shape) {
        var m = new LinkedHashMap<String, Object>();
        switch (shape) {
            case ObjectShape o -> m.put("$ref", "#/definitions/" + o.title());
            case StringShape s -> {
                m.put("type", "string");
                if (s.pattern() != null) {
                    m.put("pattern", "^(" + s.pattern().pattern() + ")$");
                }
                if (s.maxLength() > 0) {
                    m.put("maxLength", s.maxLength());
                }
            }
            case ConstShape c -> {
                m.put("type", "string");
                m.put("enum", List.of(c.value()));
            }
            case IntegerShape i -> {
                m.put("type", "integer");
                m.put("minimum", i.min());
                if (i.max() < Integer.MAX_VALUE) {
                    m.put("maximum", i.max());
                }
            }
            case NumberShape n -> {
                m.put("type", "number");
                m.put(n.exclusiveMin() ? "exclusiveMinimum" : "minimum", n.min());
                m.put("maximum", n.max());
            }
            case BooleanShape b -> m.put("type", "boolean");
            case EnumShape e -> {
                m.put("type", "string");
                m.put("enum", e.names());
            }
            case QuantityShape q -> {
                m.put("type", List.of("string", "number"));
                m.put("pattern", q.kind() == QuantityKind.CPU
                        ? "^[0-9]+(\\.[0-9]+)?m?$"
                        : "^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$");
            }
            case IntOrPercentShape p -> {
                m.put("type", List.of("string", "integer"));
                m.put("pattern", "^[0-9]+%?$");
            }
            case JurisdictionShape j -> {
                m.put("type", "string");
                m.put("anyOf", List.of(
                        Map.of("enum", List.copyOf(jurisdictions.groupNames())),
                        Map.of("pattern", "^[A-Z]{2}(-[A-Z0-9]{1,3})?$")));
            }
            case SiteShape s -> {
                m.put("type", "string");
                m.put("enum", List.copyOf(sites.names()));
            }
            case ListShape l -> {
                m.put("type", "array");
                m.put("items", shape(l.item()));
                if (l.minItems() > 0) {
                    m.put("minItems", l.minItems());
                }
                if (l.unique()) {
                    m.put("uniqueItems", true);
                }
            }
            case MapShape map -> {
                m.put("type", "object");
                m.put("propertyNames", shape(map.key()));
                m.put("additionalProperties", shape(map.value()));
            }
            case EnvShape env -> {
                m.put("type", List.of("array", "object"));
                m.put("items", shape(env.entry()));
                m.put("propertyNames", shape(env.name()));
                m.put("additionalProperties", Map.of("type", "string"));
            }
        }
        return m;
    }
}
