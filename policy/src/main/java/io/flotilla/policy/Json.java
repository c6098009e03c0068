package io.flotilla.policy;

import java.util.List;
import java.util.Map;

/** A small JSON writer for trees of maps, lists, strings, numbers and booleans, keeping map order. */
public final class Json {
    private Json() {
    }

    /** Indented with two spaces, ending with a newline. */
    public static String pretty(Object tree) {
        var sb = new StringBuilder();
        write(tree, sb, 0);
        return sb.append('\n').toString();
    }

    private static void write(Object v, StringBuilder sb, int indent) {
        switch (v) {
            case null -> sb.append("null");
            case Map<?, ?> map -> {
                if (map.isEmpty()) {
                    sb.append("{}");
                    return;
                }
                sb.append("{\n");
                int i = 0;
                for (var e : map.entrySet()) {
                    pad(sb, indent + 1);
                    string(String.valueOf(e.getKey()), sb);
                    sb.append(": ");
                    write(e.getValue(), sb, indent + 1);
                    sb.append(++i < map.size() ? ",\n" : "\n");
                }
                pad(sb, indent);
                sb.append('}');
            }
            case List<?> list -> {
                if (list.isEmpty()) {
                    sb.append("[]");
                    return;
                }
                sb.append("[\n");
                for (int i = 0; i < list.size(); i++) {
                    pad(sb, indent + 1);
                    write(list.get(i), sb, indent + 1);
                    sb.append(i + 1 < list.size() ? ",\n" : "\n");
                }
                pad(sb, indent);
                sb.append(']');
            }
            case String s -> string(s, sb);
            case Double d -> {
                if (!Double.isFinite(d)) {
                    throw new IllegalArgumentException("JSON has no " + d);
                }
                sb.append(d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString(d.longValue()) + ".0" : d.toString());
            }
            case Number n -> sb.append(n);
            case Boolean b -> sb.append(b);
            default -> throw new IllegalArgumentException("not a JSON value: " + v.getClass());
        }
    }

    private static void pad(StringBuilder sb, int indent) {
        sb.append("  ".repeat(indent));
    }

    private static void string(String s, StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
