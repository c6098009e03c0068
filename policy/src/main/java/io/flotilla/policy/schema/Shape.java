package io.flotilla.policy.schema;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The shape of one value in a policy file. One table of shapes ({@link PolicySchema}) drives the
 * parser (types, unknown fields, defaults), the canonical serialisation and the published JSON
 * Schema, so the three cannot drift apart.
 */
public sealed interface Shape {

    /** A mapping with known fields, read into the record {@code type} whose components match the fields one to one. */
    record ObjectShape(String title, Class<? extends Record> type, String description, List<Field> fields) implements Shape {
        public ObjectShape {
            fields = List.copyOf(fields);
        }

        public Field field(String name) {
            return fields.stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow();
        }
    }

    /**
     * A string; {@code pattern} (optional) must match the whole value, {@code patternHint} says in words what
     * is expected when it does not.
     */
    record StringShape(Pattern pattern, String patternHint, int maxLength) implements Shape {
        public static StringShape any() {
            return new StringShape(null, null, 0);
        }

        public static StringShape matching(String regex, String hint, int maxLength) {
            return new StringShape(Pattern.compile(regex), hint, maxLength);
        }
    }

    /** Exactly one string value, such as the apiVersion. */
    record ConstShape(String value) implements Shape {
    }

    record IntegerShape(long min, long max) implements Shape {
        public static IntegerShape atLeast(long min) {
            return new IntegerShape(min, Integer.MAX_VALUE);
        }
    }

    /** A number; with {@code exclusiveMin} the value must be strictly above {@code min}. */
    record NumberShape(double min, double max, boolean exclusiveMin) implements Shape {
    }

    record BooleanShape() implements Shape {
    }

    /** One of the YAML names of an enum whose constants implement {@link PolicyEnum}. */
    record EnumShape(Class<? extends Enum<?>> type) implements Shape {
        public List<String> names() {
            return java.util.Arrays.stream(type.getEnumConstants()).map(e -> ((PolicyEnum) e).yamlName()).toList();
        }
    }

    /** A Kubernetes-style quantity: CPU ("4", "0.5", "500m") or memory ("16Gi", "512Mi", "1G"). */
    record QuantityShape(QuantityKind kind) implements Shape {
    }

    enum QuantityKind { CPU, MEMORY }

    /** An integer or a percentage string such as "25%". */
    record IntOrPercentShape() implements Shape {
    }

    /** A country (DE), subdivision (IN-MH) or group (EU) known to the jurisdiction catalog. */
    record JurisdictionShape() implements Shape {
    }

    /** The name of a known site (mumbai, frankfurt, ...). */
    record SiteShape() implements Shape {
    }

    /** A list; with {@code unique} no item may appear twice. */
    record ListShape(Shape item, int minItems, boolean unique) implements Shape {
        public ListShape(Shape item, int minItems) {
            this(item, minItems, false);
        }
    }

    /** A mapping from strings matching {@code key} to values of one shape. */
    record MapShape(StringShape key, Shape value) implements Shape {
    }

    /**
     * Environment variables: a list of {@code entry} objects ({@code name} with {@code value} or
     * {@code secretKeyRef}, as in Kubernetes), or the shorthand mapping of {@code name} to plain value that
     * policies used before secret references existed. Both read into one list sorted by name.
     */
    record EnvShape(ObjectShape entry, StringShape name) implements Shape {
    }
}
