package io.flotilla.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * JSON request bodies as a fuzzer makes them, from a {@link Random}: arbitrary values, deep nesting, valid bodies
 * with fields retyped, removed, added, duplicated or made huge, and byte-level damage (truncation, invalid UTF-8).
 */
public final class JsonFuzz {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Invalid UTF-8: a lone continuation byte, an overlong NUL, a surrogate, a cut sequence, bytes never valid. */
    private static final byte[][] INVALID_UTF8 = {{(byte) 0x80}, {(byte) 0xc0, (byte) 0x80}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
            {(byte) 0xe2, (byte) 0x82}, {(byte) 0xff}, {(byte) 0xfe, (byte) 0xff}, {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}};

    private static final String[] NUMBERS = {"0", "-0", "1", "-1", "2147483647", "2147483648", "-2147483649",
            "9223372036854775807", "9223372036854775808", "-9223372036854775809", "1e308", "1e309", "-1e309", "1e-400",
            "0.1", "1.5", "65536", "1" + "0".repeat(400), "-" + "9".repeat(2000), "1E+2", "3.4028235E38"};

    private static final String[] WORDS = {"id", "name", "model", "stream", "role", "image", "jurisdiction", "labels",
            "capacity", "gpus", "taints", "latitude", "longitude", "site", "clusterId", "resources", "cpu", "memory",
            "args", "env", "port", "replicas", "tolerations", "effect", "key", "value", "messages", "content", "apiVersion",
            "kind", "metadata", "spec", "__proto__", "", "\u0000", "\ud800", "ID", "Model"};

    private JsonFuzz() {
    }

    // ---- values ----

    /** A well-formed JSON value of any type, nested at most {@code depth} deep. */
    public static String value(Random r, int depth) {
        int kind = r.nextInt(depth <= 0 ? 5 : 7);
        return switch (kind) {
            case 0 -> "null";
            case 1 -> r.nextBoolean() ? "true" : "false";
            case 2 -> number(r);
            case 3, 4 -> string(r);
            case 5 -> {
                var items = new ArrayList<String>();
                for (int n = r.nextInt(5); n > 0; n--) {
                    items.add(value(r, depth - 1));
                }
                yield "[" + String.join(",", items) + "]";
            }
            default -> {
                var members = new ArrayList<String>();
                for (int n = r.nextInt(5); n > 0; n--) {
                    members.add(quote(word(r)) + ":" + value(r, depth - 1));
                }
                yield "{" + String.join(",", members) + "}";
            }
        };
    }

    public static String number(Random r) {
        return switch (r.nextInt(3)) {
            case 0 -> NUMBERS[r.nextInt(NUMBERS.length)];
            case 1 -> Long.toString(r.nextLong());
            default -> Double.toString((r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(40) - 20));
        };
    }

    /** Lengths around the limits that text fields and database columns tend to have, and far beyond them. */
    private static final int[] LENGTHS = {63, 64, 100, 101, 253, 255, 256, 317, 318, 512, 1024, 2000, 2001, 65_535, 65_536};

    /**
     * A JSON string literal: text with escapes, control characters and unpaired surrogate escapes; short mostly, now
     * and then about as long as a typical limit, or very long.
     */
    public static String string(Random r) {
        var sb = new StringBuilder("\"");
        int length = switch (r.nextInt(40)) {
            case 0, 1, 2, 3 -> LENGTHS[r.nextInt(LENGTHS.length)] + r.nextInt(3) - 1;
            case 4 -> r.nextInt(100_000);
            default -> r.nextInt(30);
        };
        for (int i = 0; i < length; i++) {
            switch (r.nextInt(12)) {
                case 0 -> sb.append("\\u").append(String.format("%04x", r.nextInt(0x10000)));
                case 1 -> sb.append("\\n");
                case 2 -> sb.append("\\\"");
                case 3 -> sb.append((char) (0xa0 + r.nextInt(0xd000)));
                default -> sb.append((char) ('a' + r.nextInt(26)));
            }
        }
        return sb.append('"').toString();
    }

    /** Text as the literals of {@link #string} stand for. */
    public static String text(Random r) {
        return unquote(string(r));
    }

    public static String word(Random r) {
        return r.nextInt(3) == 0 ? "w" + r.nextInt(1000) : WORDS[r.nextInt(WORDS.length)];
    }

    /** Arrays or objects nested up to 100,000 deep. */
    public static String deep(Random r) {
        int depth = 1 + r.nextInt(r.nextBoolean() ? 2_000 : 100_000);
        return r.nextBoolean() ? "[".repeat(depth) + "]".repeat(depth) : "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
    }

    // ---- valid bodies, mutated ----

    /** One to three structural mutations of a valid JSON body; sometimes none, so that valid bodies are sent too. */
    public static String mutate(String validJson, Random r) {
        JsonNode tree;
        try {
            tree = JSON.readTree(validJson);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Object model = toModel(tree);
        int mutations = r.nextInt(5) == 0 ? 0 : 1 + r.nextInt(3);
        for (int i = 0; i < mutations; i++) {
            model = mutateSomewhere(model, r);
        }
        return write(model);
    }

    /** A JSON text written into bytes, then damaged now and then: cut, flipped, with invalid UTF-8 or stray bytes. */
    public static byte[] damage(String json, Random r) {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        if (r.nextInt(3) != 0) {
            return b;
        }
        int at = b.length == 0 ? 0 : r.nextInt(b.length);
        return switch (r.nextInt(5)) {
            case 0 -> Arrays.copyOf(b, at);
            case 1 -> {
                if (b.length > 0) {
                    b[at] ^= (byte) (1 << r.nextInt(8));
                }
                yield b;
            }
            case 2 -> insert(b, at, INVALID_UTF8[r.nextInt(INVALID_UTF8.length)]);
            case 3 -> insert(b, 0, new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf}); // a byte-order mark
            default -> {
                byte[] junk = new byte[1 + r.nextInt(8)];
                r.nextBytes(junk);
                yield insert(b, at, junk);
            }
        };
    }

    /** An object as written: its members in order, several of them perhaps with one name, which maps cannot hold. */
    private record Obj(List<Member> members) {
    }

    private record Member(String name, Object value) {
    }

    private record Arr(List<Object> items) {
    }

    /** JSON text spliced in as it is. */
    private record Raw(String json) {
    }

    private static Object toModel(JsonNode node) {
        if (node.isObject()) {
            var members = new ArrayList<Member>();
            node.properties().forEach(e -> members.add(new Member(e.getKey(), toModel(e.getValue()))));
            return new Obj(members);
        }
        if (node.isArray()) {
            var items = new ArrayList<Object>();
            node.forEach(n -> items.add(toModel(n)));
            return new Arr(items);
        }
        return new Raw(node.toString());
    }

    /** Changes one place of the tree: a member removed, added, duplicated, renamed or retyped, an item changed. */
    private static Object mutateSomewhere(Object model, Random r) {
        if (model instanceof Obj(List<Member> members) && !members.isEmpty() && r.nextInt(3) != 0) {
            int i = r.nextInt(members.size());
            Member m = members.get(i);
            switch (r.nextInt(6)) {
                case 0 -> members.remove(i);
                case 1 -> members.add(r.nextInt(members.size() + 1), new Member(word(r), new Raw(value(r, 3))));
                case 2 -> members.add(new Member(m.name(), r.nextBoolean() ? m.value() : new Raw(value(r, 2))));
                case 3 -> members.set(i, new Member(m.name(), mutateSomewhere(m.value(), r)));
                case 4 -> members.set(i, new Member(switch (r.nextInt(3)) {
                    case 0 -> m.name().toUpperCase(Locale.ROOT);
                    case 1 -> text(r);
                    default -> word(r);
                }, m.value()));
                default -> members.set(i, new Member(m.name(), replacement(r)));
            }
            return model;
        }
        if (model instanceof Arr(List<Object> items) && r.nextInt(3) != 0) {
            if (!items.isEmpty() && r.nextBoolean()) {
                int i = r.nextInt(items.size());
                items.set(i, mutateSomewhere(items.get(i), r));
            } else {
                items.add(new Raw(value(r, 2)));
            }
            return model;
        }
        return replacement(r);
    }

    private static Object replacement(Random r) {
        return switch (r.nextInt(6)) {
            case 0 -> new Raw(deep(r));
            case 1 -> new Raw(number(r));
            case 2 -> new Raw(string(r));
            case 3 -> new Raw("[" + value(r, 2) + "]");
            default -> new Raw(value(r, 3));
        };
    }

    private static String write(Object model) {
        var sb = new StringBuilder();
        write(model, sb);
        return sb.toString();
    }

    private static void write(Object model, StringBuilder sb) {
        switch (model) {
            case Raw(String json) -> sb.append(json);
            case Arr(List<Object> items) -> {
                sb.append('[');
                for (int i = 0; i < items.size(); i++) {
                    sb.append(i == 0 ? "" : ",");
                    write(items.get(i), sb);
                }
                sb.append(']');
            }
            case Obj(List<Member> members) -> {
                sb.append('{');
                for (int i = 0; i < members.size(); i++) {
                    sb.append(i == 0 ? "" : ",").append(quote(members.get(i).name())).append(':');
                    write(members.get(i).value(), sb);
                }
                sb.append('}');
            }
            default -> throw new IllegalArgumentException(String.valueOf(model));
        }
    }

    private static String unquote(String literal) {
        try {
            return JSON.readValue(literal, String.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] insert(byte[] b, int at, byte[] inserted) {
        var out = new ByteArrayOutputStream(b.length + inserted.length);
        out.write(b, 0, at);
        out.write(inserted, 0, inserted.length);
        out.write(b, at, b.length - at);
        return out.toByteArray();
    }

    /** A request body: one of {@code valid} mutated mostly, an arbitrary value or deep nesting otherwise, perhaps damaged. */
    public static byte[] body(List<String> valid, Random r) {
        String json = switch (r.nextInt(10)) {
            case 0 -> value(r, 4);
            case 1 -> deep(r);
            default -> mutate(valid.get(r.nextInt(valid.size())), r);
        };
        return damage(json, r);
    }
}
