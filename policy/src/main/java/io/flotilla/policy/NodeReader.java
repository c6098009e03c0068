package io.flotilla.policy;

import io.flotilla.policy.schema.Field;
import io.flotilla.policy.schema.PolicyEnum;
import io.flotilla.policy.schema.Shape;
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
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Reads one YAML document into model records, guided by the shapes of {@link io.flotilla.policy.schema.PolicySchema}.
 * Collects every error instead of stopping at the first; a value with an error reads as {@link #INVALID}, and so
 * does every object around it.
 */
final class NodeReader {

    static final Object INVALID = new Object();

    /**
     * Thrown when a file reaches one of its limits: reading stops, and the parser reports the limit as the file's
     * last error, after those found so far or, for a limit that only more of the same errors would precede, instead.
     */
    static final class LimitReached extends RuntimeException {
        final Loc where;
        final boolean replacesDocumentErrors;

        LimitReached(Loc where, String message, boolean replacesDocumentErrors) {
            super(message, null, false, false);
            this.where = where;
            this.replacesDocumentErrors = replacesDocumentErrors;
        }
    }

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    record Loc(int line, int column) {
        static Loc of(Node node) {
            return node.getStartMark().map(m -> new Loc(m.getLine() + 1, m.getColumn() + 1)).orElse(new Loc(1, 1));
        }
    }

    private final String file;
    private final JurisdictionCatalog jurisdictions;
    private final Sites sites;
    private final ImagePolicy imagePolicy;
    private final List<PolicyError> errors;
    private final List<PolicyError> warnings;
    private final Map<String, Loc> locations = new HashMap<>();
    private final Map<String, Object> values = new HashMap<>();
    private final PolicyChecks checks;
    private final ParserLimits limits;
    private int valuesLeft;

    /**
     * @param errors the file's errors so far, which this reader adds to
     * @param warnings the file's warnings so far, which this reader adds to
     * @param valuesLeft how many values this document may read, each alias counted as often as it is used
     */
    NodeReader(String file, JurisdictionCatalog jurisdictions, Sites sites, ImagePolicy imagePolicy, List<PolicyError> errors,
            List<PolicyError> warnings, ParserLimits limits, int valuesLeft) {
        this.file = file;
        this.limits = limits;
        this.valuesLeft = valuesLeft;
        this.jurisdictions = jurisdictions;
        this.sites = sites;
        this.imagePolicy = imagePolicy;
        this.errors = errors;
        this.warnings = warnings;
        this.checks = new PolicyChecks(this);
    }

    /** How many more values the budget given at construction allows. */
    int valuesLeft() {
        return Math.max(0, valuesLeft);
    }

    Object readDocument(Node root, ObjectShape shape) {
        locations.put("", Loc.of(root));
        return read(root, shape, "");
    }

    void error(String path, String message) {
        Loc loc = locationOf(path);
        if (errors.size() >= limits.maxErrors()) {
            throw new LimitReached(loc, "more than " + limits.maxErrors() + " errors; the rest of the file is not checked", false);
        }
        errors.add(new PolicyError(file, loc.line(), loc.column(), path, message));
    }

    /** Something that is allowed but probably a mistake: reported, and the policy stays valid. */
    void warning(String path, String message) {
        Loc loc = locationOf(path);
        warnings.add(new PolicyError(file, loc.line(), loc.column(), path, message));
    }

    ImagePolicy imagePolicy() {
        return imagePolicy;
    }

    /** Where the value at {@code path} was written, or where the nearest enclosing value was. */
    Loc locationOf(String path) {
        String p = path;
        while (true) {
            Loc loc = locations.get(p);
            if (loc != null) {
                return loc;
            }
            if (p.isEmpty()) {
                return new Loc(1, 1);
            }
            p = parent(p);
        }
    }

    boolean wasWritten(String path) {
        return locations.containsKey(path);
    }

    private static String parent(String path) {
        int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
        return cut < 0 ? "" : path.substring(0, cut);
    }

    static String child(String parent, String key) {
        String k = IDENTIFIER.matcher(key).matches() ? key : "\"" + key.replace("\"", "\\\"") + "\"";
        if (!IDENTIFIER.matcher(key).matches()) {
            return parent + "[" + k + "]";
        }
        return parent.isEmpty() ? k : parent + "." + k;
    }

    private Object read(Node node, Shape shape, String path) {
        if (--valuesLeft < 0) {
            throw new LimitReached(Loc.of(node), "more than " + limits.maxValues() + " values in one file, aliases counted "
                    + "each time they are used; a policy needs a few hundred", true);
        }
        locations.putIfAbsent(path, Loc.of(node));
        if (node instanceof ScalarNode s && !s.getTag().equals(Tag.NULL) && isCustomTag(s.getTag())) {
            error(path, "custom YAML tags such as " + s.getTag().getValue() + " are not supported");
            return INVALID;
        }
        return switch (shape) {
            case ObjectShape o -> readObject(node, o, path);
            case ListShape l -> readList(node, l, path);
            case MapShape m -> readMap(node, m, path);
            case EnvShape e -> readEnv(node, e, path);
            case StringShape s -> readString(node, s, path);
            case ConstShape c -> readConst(node, c, path);
            case IntegerShape i -> readInteger(node, i, path);
            case NumberShape n -> readNumber(node, n, path);
            case BooleanShape b -> readBoolean(node, path);
            case EnumShape e -> readEnum(node, e, path);
            case QuantityShape q -> readQuantity(node, q, path);
            case IntOrPercentShape p -> readIntOrPercent(node, path);
            case JurisdictionShape j -> readJurisdiction(node, path);
            case SiteShape s -> readSite(node, path);
        };
    }

    private static boolean isCustomTag(Tag tag) {
        return !tag.getValue().startsWith(Tag.PREFIX);
    }

    private Object readObject(Node node, ObjectShape shape, String path) {
        if (!(node instanceof MappingNode mapping)) {
            error(path, "expected a mapping, got " + describe(node));
            return INVALID;
        }
        Map<String, Node> present = new LinkedHashMap<>();
        Map<String, Loc> firstKey = new HashMap<>();
        boolean ok = true;
        List<String> names = shape.fields().stream().map(Field::name).toList();
        for (NodeTuple t : mapping.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode key) || !key.getTag().equals(Tag.STR)) {
                locations.put(path + "[?]", Loc.of(t.getKeyNode()));
                error(path + "[?]", "keys must be strings, got " + describe(t.getKeyNode()));
                ok = false;
                continue;
            }
            String name = key.getValue();
            String childPath = child(path, name);
            if (firstKey.containsKey(name)) {
                locations.put(childPath, Loc.of(key));
                error(childPath, "duplicate key (first at line " + firstKey.get(name).line() + ")");
                ok = false;
                continue;
            }
            firstKey.put(name, Loc.of(key));
            if (!names.contains(name)) {
                locations.put(childPath, Loc.of(key));
                error(childPath, "unknown field" + Suggestions.closest(name, names).map(s -> ", did you mean '" + s + "'?")
                        .orElse(" (expected one of: " + String.join(", ", names) + ")"));
                ok = false;
                continue;
            }
            present.put(name, t.getValueNode());
        }
        Object[] args = new Object[shape.fields().size()];
        RecordComponent[] components = shape.type().getRecordComponents();
        for (int i = 0; i < args.length; i++) {
            Field field = shape.fields().get(i);
            String childPath = child(path, field.name());
            Node value = present.get(field.name());
            if (value != null && isNull(value)) {
                value = null;
            }
            Object v = value != null ? read(value, field.shape(), childPath) : absent(field, childPath);
            values.put(childPath, v);
            if (v == INVALID) {
                ok = false;
            } else if (components[i].getType() == Optional.class && !(v instanceof Optional<?>)) {
                v = Optional.of(v);
            }
            args[i] = v;
        }
        if (!ok) {
            return INVALID;
        }
        Record record = construct(shape.type(), components, args);
        return checks.check(record, path) ? record : INVALID;
    }

    private Object absent(Field field, String childPath) {
        return switch (field.presence()) {
            case REQUIRED -> {
                error(childPath, "required field is missing");
                yield INVALID;
            }
            case OPTIONAL -> Optional.empty();
            case DEFAULT -> field.defaultValue();
            case DEFAULT_FROM -> {
                Object v = values.get(field.defaultFrom());
                yield v == null ? INVALID : v;
            }
            case DEFAULT_EMPTY -> switch (field.shape()) {
                case ObjectShape o -> readObject(new MappingNode(Tag.MAP, List.of(), org.snakeyaml.engine.v2.common.FlowStyle.FLOW), o, childPath);
                case ListShape l -> List.of();
                case MapShape m -> new TreeMap<String, Object>();
                case EnvShape e -> List.of();
                default -> throw new IllegalStateException("no empty value for " + field);
            };
        };
    }

    private static Record construct(Class<? extends Record> type, RecordComponent[] components, Object[] args) {
        try {
            Class<?>[] types = Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
            return type.getDeclaredConstructor(types).newInstance(args);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("validated values rejected by " + type.getSimpleName() + ": " + e.getCause().getMessage(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("schema and record disagree for " + type.getSimpleName(), e);
        }
    }

    private Object readList(Node node, ListShape shape, String path) {
        if (!(node instanceof SequenceNode seq)) {
            error(path, "expected a list, got " + describe(node));
            return INVALID;
        }
        if (seq.getValue().size() < shape.minItems()) {
            error(path, "must have at least " + shape.minItems() + " item" + (shape.minItems() == 1 ? "" : "s"));
            return INVALID;
        }
        var result = new ArrayList<Object>();
        var seen = new HashMap<Object, Integer>();
        boolean ok = true;
        for (int i = 0; i < seq.getValue().size(); i++) {
            Node item = seq.getValue().get(i);
            String itemPath = path + "[" + i + "]";
            Object v;
            if (isNull(item)) {
                locations.put(itemPath, Loc.of(item));
                error(itemPath, "expected " + expected(shape.item()) + ", got null");
                v = INVALID;
            } else {
                v = read(item, shape.item(), itemPath);
            }
            if (shape.unique() && item instanceof ScalarNode s && seen.putIfAbsent(s.getValue(), i) != null) {
                error(itemPath, "duplicate of item " + seen.get(s.getValue()) + " ('" + s.getValue() + "')");
                v = INVALID;
            }
            ok &= v != INVALID;
            result.add(v);
        }
        return ok ? List.copyOf(result) : INVALID;
    }

    private Object readMap(Node node, MapShape shape, String path) {
        if (!(node instanceof MappingNode mapping)) {
            error(path, "expected a mapping, got " + describe(node));
            return INVALID;
        }
        var result = new TreeMap<String, Object>();
        var firstKey = new HashMap<String, Loc>();
        boolean ok = true;
        for (NodeTuple t : mapping.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode key) || isNull(key)) {
                locations.put(path + "[?]", Loc.of(t.getKeyNode()));
                error(path + "[?]", "keys must be strings, got " + describe(t.getKeyNode()));
                ok = false;
                continue;
            }
            String name = key.getValue();
            String childPath = child(path, name);
            locations.put(childPath, Loc.of(key));
            if (firstKey.containsKey(name)) {
                error(childPath, "duplicate key (first at line " + firstKey.get(name).line() + ")");
                ok = false;
                continue;
            }
            firstKey.put(name, Loc.of(key));
            if (!key.getTag().equals(Tag.STR)) {
                error(childPath, "keys must be strings, got " + describe(key) + " (quote it: \"" + name + "\")");
                ok = false;
                continue;
            }
            if (!matches(shape.key(), name, childPath, "key ")) {
                ok = false;
                continue;
            }
            Node value = t.getValueNode();
            locations.put(childPath, Loc.of(value));
            Object v;
            if (isNull(value)) {
                error(childPath, "expected " + expected(shape.value()) + ", got null");
                v = INVALID;
            } else {
                v = read(value, shape.value(), childPath);
            }
            ok &= v != INVALID;
            result.put(name, v);
        }
        return ok ? result : INVALID;
    }

    @SuppressWarnings("unchecked")
    private Object readEnv(Node node, EnvShape shape, String path) {
        if (node instanceof MappingNode) {
            Object read = readMap(node, new MapShape(shape.name(), StringShape.any()), path);
            if (read == INVALID) {
                return INVALID;
            }
            var vars = new ArrayList<EnvVar>();
            ((Map<String, Object>) read).forEach((name, value) -> {
                vars.add(EnvVar.plain(name, (String) value));
                checks.plainValue(name, child(path, name));
            });
            return List.copyOf(vars);
        }
        if (node instanceof SequenceNode) {
            Object read = readList(node, new ListShape(shape.entry(), 0), path);
            if (read == INVALID) {
                return INVALID;
            }
            List<EnvVar> vars = (List<EnvVar>) read;
            var first = new HashMap<String, Integer>();
            boolean ok = true;
            for (int i = 0; i < vars.size(); i++) {
                Integer earlier = first.putIfAbsent(vars.get(i).name(), i);
                if (earlier != null) {
                    error(path + "[" + i + "].name", "duplicate of item " + earlier + " ('" + vars.get(i).name() + "')");
                    ok = false;
                }
            }
            return ok ? vars : INVALID;
        }
        error(path, "expected a list of {name, value} or {name, secretKeyRef} entries, or a mapping of names to values, got "
                + describe(node));
        return INVALID;
    }

    private boolean matches(StringShape shape, String value, String path, String what) {
        if (shape.maxLength() > 0 && value.length() > shape.maxLength()) {
            error(path, what + "is longer than " + shape.maxLength() + " characters (got " + value.length() + ")");
            return false;
        }
        if (shape.pattern() != null && !shape.pattern().matcher(value).matches()) {
            error(path, what + "must be " + shape.patternHint() + " (got '" + value + "')");
            return false;
        }
        return true;
    }

    /** The text of a string scalar, or null after reporting why the node is not one. */
    private String stringValue(Node node, String path, String expected) {
        if (node instanceof ScalarNode s && s.getTag().equals(Tag.STR)) {
            return s.getValue();
        }
        String hint = node instanceof ScalarNode s && !isNull(s) ? " (quote it: \"" + s.getValue() + "\")" : "";
        error(path, "expected " + expected + ", got " + describe(node) + hint);
        return null;
    }

    private Object readString(Node node, StringShape shape, String path) {
        String s = stringValue(node, path, "a string");
        return s != null && matches(shape, s, path, "") ? s : INVALID;
    }

    private Object readConst(Node node, ConstShape shape, String path) {
        String s = stringValue(node, path, "a string");
        if (s == null) {
            return INVALID;
        }
        if (!s.equals(shape.value())) {
            error(path, "must be '" + shape.value() + "' (got '" + s + "')");
            return INVALID;
        }
        return s;
    }

    private Object readInteger(Node node, IntegerShape shape, String path) {
        if (!(node instanceof ScalarNode s) || !s.getTag().equals(Tag.INT)) {
            error(path, "expected an integer, got " + describe(node));
            return INVALID;
        }
        BigInteger v;
        try {
            v = new BigInteger(s.getValue().startsWith("+") ? s.getValue().substring(1) : s.getValue());
        } catch (NumberFormatException e) {
            error(path, "expected a decimal integer (got '" + s.getValue() + "')");
            return INVALID;
        }
        if (v.compareTo(BigInteger.valueOf(shape.min())) < 0) {
            error(path, "must be >= " + shape.min() + " (got " + v + ")");
            return INVALID;
        }
        if (v.compareTo(BigInteger.valueOf(shape.max())) > 0) {
            error(path, "must be <= " + shape.max() + " (got " + v + ")");
            return INVALID;
        }
        return v.intValueExact();
    }

    private Object readNumber(Node node, NumberShape shape, String path) {
        if (!(node instanceof ScalarNode s) || !(s.getTag().equals(Tag.INT) || s.getTag().equals(Tag.FLOAT))) {
            error(path, "expected a number, got " + describe(node));
            return INVALID;
        }
        double v;
        try {
            v = Double.parseDouble(s.getValue());
        } catch (NumberFormatException e) {
            v = Double.NaN;
        }
        if (!Double.isFinite(v)) {
            error(path, "expected a finite decimal number (got '" + s.getValue() + "')");
            return INVALID;
        }
        String got = " (got " + s.getValue() + ")";
        if (shape.exclusiveMin() ? v <= shape.min() : v < shape.min()) {
            error(path, "must be " + (shape.exclusiveMin() ? "> " : ">= ") + fmt(shape.min()) + got);
            return INVALID;
        }
        if (v > shape.max()) {
            error(path, "must be <= " + fmt(shape.max()) + got);
            return INVALID;
        }
        return v;
    }

    private static String fmt(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    private Object readBoolean(Node node, String path) {
        if (!(node instanceof ScalarNode s) || !s.getTag().equals(Tag.BOOL)) {
            error(path, "expected true or false, got " + describe(node));
            return INVALID;
        }
        return Boolean.parseBoolean(s.getValue().toLowerCase(java.util.Locale.ROOT));
    }

    private Object readEnum(Node node, EnumShape shape, String path) {
        String s = stringValue(node, path, "a string");
        if (s == null) {
            return INVALID;
        }
        for (Enum<?> e : shape.type().getEnumConstants()) {
            if (((PolicyEnum) e).yamlName().equals(s)) {
                return e;
            }
        }
        error(path, "must be one of " + String.join(", ", shape.names()) + " (got '" + s + "')"
                + Suggestions.closest(s, shape.names()).map(h -> ", did you mean '" + h + "'?").orElse(""));
        return INVALID;
    }

    private Object readQuantity(Node node, QuantityShape shape, String path) {
        boolean cpu = shape.kind() == QuantityKind.CPU;
        String expected = cpu ? "a CPU quantity such as 4, 0.5 or 500m" : "a memory quantity such as 16Gi, 512Mi or 1G";
        if (!(node instanceof ScalarNode s) || isNull(s) || s.getTag().equals(Tag.BOOL)) {
            error(path, "expected " + expected + ", got " + describe(node));
            return INVALID;
        }
        Optional<?> q = cpu ? CpuQuantity.parse(s.getValue()) : MemoryQuantity.parse(s.getValue());
        if (q.isEmpty()) {
            error(path, "invalid " + (cpu ? "CPU" : "memory") + " quantity '" + s.getValue() + "' (expected "
                    + (cpu ? "e.g. 4, 0.5 or 500m" : "e.g. 16Gi, 512Mi or 1G") + ")");
            return INVALID;
        }
        boolean zero = cpu ? ((CpuQuantity) q.get()).millicores() == 0 : ((MemoryQuantity) q.get()).bytes() == 0;
        if (zero) {
            error(path, "must be more than 0 (got '" + s.getValue() + "')");
            return INVALID;
        }
        return q.get();
    }

    private Object readIntOrPercent(Node node, String path) {
        if (!(node instanceof ScalarNode s) || !(s.getTag().equals(Tag.INT) || s.getTag().equals(Tag.STR))) {
            error(path, "expected a count such as 2 or a percentage such as \"25%\", got " + describe(node));
            return INVALID;
        }
        Optional<IntOrPercent> v = IntOrPercent.parse(s.getValue());
        if (v.isEmpty()) {
            error(path, "expected a count such as 2 or a percentage such as \"25%\" (got '" + s.getValue() + "')");
            return INVALID;
        }
        return v.get();
    }

    private Object readJurisdiction(Node node, String path) {
        String s = stringValue(node, path, "a jurisdiction code");
        if (s == null) {
            return INVALID;
        }
        Optional<String> problem = jurisdictions.problem(s);
        problem.ifPresent(p -> error(path, p));
        return problem.isPresent() ? INVALID : s;
    }

    private Object readSite(Node node, String path) {
        String s = stringValue(node, path, "a site name");
        if (s == null) {
            return INVALID;
        }
        if (sites.find(s).isEmpty()) {
            error(path, "unknown site '" + s + "'" + Suggestions.closest(s, sites.names()).map(h -> ", did you mean '" + h + "'?")
                    .orElse(" (the known sites are listed in docs/policy.md; or give lat and lon)"));
            return INVALID;
        }
        return s;
    }

    static boolean isNull(Node node) {
        return node instanceof ScalarNode s && s.getTag().equals(Tag.NULL);
    }

    static String describe(Node node) {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        Tag tag = node.getTag();
        if (tag.equals(Tag.NULL)) {
            return "null";
        }
        String v = ((ScalarNode) node).getValue();
        String shown = v.length() > 40 ? v.substring(0, 40) + "..." : v;
        if (tag.equals(Tag.INT)) {
            return "an integer (" + shown + ")";
        }
        if (tag.equals(Tag.FLOAT)) {
            return "a number (" + shown + ")";
        }
        if (tag.equals(Tag.BOOL)) {
            return "a boolean (" + shown + ")";
        }
        return "a string ('" + shown + "')";
    }

    private static String expected(Shape shape) {
        return switch (shape) {
            case ObjectShape o -> "a mapping";
            case ListShape l -> "a list";
            case MapShape m -> "a mapping";
            case EnvShape e -> "a list";
            case IntegerShape i -> "an integer";
            case NumberShape n -> "a number";
            case BooleanShape b -> "true or false";
            default -> "a string";
        };
    }
}
