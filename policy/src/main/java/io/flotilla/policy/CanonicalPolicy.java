package io.flotilla.policy;

import io.flotilla.policy.schema.Field;
import io.flotilla.policy.schema.PolicyEnum;
import io.flotilla.policy.schema.PolicySchema;
import io.flotilla.policy.schema.Shape;
import io.flotilla.policy.schema.Shape.EnvShape;
import io.flotilla.policy.schema.Shape.IntOrPercentShape;
import io.flotilla.policy.schema.Shape.ListShape;
import io.flotilla.policy.schema.Shape.MapShape;
import io.flotilla.policy.schema.Shape.ObjectShape;
import io.flotilla.policy.schema.Shape.QuantityShape;
import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;

/**
 * The one way a policy is written back: fields in schema order, every default spelled out, maps sorted.
 * Equal policies give equal text, so stored revisions can be compared and diffed line by line, and
 * parsing the text gives back an equal policy.
 */
public final class CanonicalPolicy {
    private CanonicalPolicy() {
    }

    private static final DumpSettings YAML = DumpSettings.builder()
            .setDefaultFlowStyle(FlowStyle.BLOCK)
            .setIndent(2)
            .setIndicatorIndent(2)
            .setIndentWithIndicator(true)
            .setSplitLines(false)
            .setWidth(Integer.MAX_VALUE)
            .setDereferenceAliases(true)
            .build();

    public static String toYaml(FleetPolicy policy) {
        return new Dump(YAML).dumpToString(toTree(policy));
    }

    /** Several policies as one multi-document file, in the order given. */
    public static String toYaml(List<FleetPolicy> policies) {
        var sb = new StringBuilder();
        for (FleetPolicy p : policies) {
            sb.append("---\n").append(toYaml(p));
        }
        return sb.toString();
    }

    public static String toJson(FleetPolicy policy) {
        return Json.pretty(toTree(policy));
    }

    /** The policy as ordered maps, lists and scalars (what YAML and JSON are written from). */
    public static Map<String, Object> toTree(FleetPolicy policy) {
        @SuppressWarnings("unchecked")
        var tree = (Map<String, Object>) value(policy, PolicySchema.FLEET_POLICY);
        return tree;
    }

    /** A model value (what a record component holds) as a plain tree value, following its shape. */
    public static Object value(Object model, Shape shape) {
        if (model instanceof Optional<?> o) {
            return o.map(v -> value(v, shape)).orElse(null);
        }
        return switch (shape) {
            case ObjectShape o -> object((Record) model, o);
            case ListShape l -> ((List<?>) model).stream().map(v -> value(v, l.item())).toList();
            case MapShape m -> {
                var map = new TreeMap<String, Object>();
                ((Map<?, ?>) model).forEach((k, v) -> map.put((String) k, value(v, m.value())));
                yield map;
            }
            case EnvShape e -> env((List<?>) model, e);
            case QuantityShape q -> model.toString();
            case IntOrPercentShape p -> ((IntOrPercent) model).percent() ? model.toString() : ((IntOrPercent) model).value();
            default -> model instanceof PolicyEnum e ? e.yamlName() : model;
        };
    }

    /**
     * Plain values only: the name-to-value mapping, the form every policy had before secret references, so
     * that their canonical text (and so their revision) stays as it was. With a reference: the list form.
     */
    private static Object env(List<?> vars, EnvShape shape) {
        if (vars.stream().allMatch(v -> ((EnvVar) v).secretKeyRef().isEmpty() && ((EnvVar) v).value().isPresent())) {
            var map = new TreeMap<String, Object>();
            vars.forEach(v -> map.put(((EnvVar) v).name(), ((EnvVar) v).value().orElseThrow()));
            return map;
        }
        return vars.stream().map(v -> object((Record) v, shape.entry())).toList();
    }

    private static Map<String, Object> object(Record record, ObjectShape shape) {
        var map = new LinkedHashMap<String, Object>();
        RecordComponent[] components = record.getClass().getRecordComponents();
        for (int i = 0; i < components.length; i++) {
            Field field = shape.fields().get(i);
            try {
                Object v = value(components[i].getAccessor().invoke(record), field.shape());
                if (v != null) {
                    map.put(field.name(), v);
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return map;
    }
}
