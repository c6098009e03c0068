package io.flotilla.proto.receipt;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A small, strict JSON reader for receipt headers and claims: objects (in order), arrays, strings, numbers, booleans
 * and null. The proto module has no JSON library, and fleetctl must verify receipts without one of the control plane's.
 */
final class MiniJson {

    /** Nesting deeper than this is refused: receipts are flat, and a deep one must not exhaust the stack. */
    private static final int MAX_DEPTH = 16;

    private final String text;
    private int at;
    private int depth;

    private MiniJson(String text) {
        this.text = text;
    }

    /** The JSON object in {@code text}. @throws IllegalArgumentException when it is not one */
    static Map<String, Object> object(String text) {
        MiniJson p = new MiniJson(text);
        p.space();
        if (p.peek() != '{') {
            throw new IllegalArgumentException("not a JSON object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> value = (Map<String, Object>) p.value();
        p.space();
        if (p.at != text.length()) {
            throw new IllegalArgumentException("text after the JSON object at " + p.at);
        }
        return value;
    }

    private Object value() {
        space();
        char c = peek();
        if ((c == '{' || c == '[') && depth >= MAX_DEPTH) {
            throw problem("nesting within " + MAX_DEPTH + " levels");
        }
        return switch (c) {
            case '{' -> nested(this::obj);
            case '[' -> nested(this::array);
            case '"' -> string();
            case 't' -> word("true", Boolean.TRUE);
            case 'f' -> word("false", Boolean.FALSE);
            case 'n' -> word("null", null);
            default -> number();
        };
    }

    private Object nested(Supplier<Object> read) {
        depth++;
        try {
            return read.get();
        } finally {
            depth--;
        }
    }

    private Map<String, Object> obj() {
        Map<String, Object> map = new LinkedHashMap<>();
        at++;
        space();
        if (peek() == '}') {
            at++;
            return map;
        }
        while (true) {
            space();
            if (peek() != '"') {
                throw problem("a name");
            }
            String name = string();
            space();
            expect(':');
            if (map.containsKey(name)) {
                throw new IllegalArgumentException("duplicate name '" + name + "'");
            }
            map.put(name, value());
            space();
            if (peek() == ',') {
                at++;
            } else {
                expect('}');
                return map;
            }
        }
    }

    private List<Object> array() {
        List<Object> list = new ArrayList<>();
        at++;
        space();
        if (peek() == ']') {
            at++;
            return list;
        }
        while (true) {
            list.add(value());
            space();
            if (peek() == ',') {
                at++;
            } else {
                expect(']');
                return list;
            }
        }
    }

    private String string() {
        expect('"');
        StringBuilder b = new StringBuilder();
        while (true) {
            char c = next();
            if (c == '"') {
                return b.toString();
            }
            if (c < 0x20) {
                throw problem("no control character in a string");
            }
            if (c != '\\') {
                b.append(c);
                continue;
            }
            char e = next();
            switch (e) {
                case '"', '\\', '/' -> b.append(e);
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'u' -> {
                    if (at + 4 > text.length()) {
                        throw problem("four hex digits");
                    }
                    try {
                        b.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                    } catch (NumberFormatException x) {
                        throw problem("four hex digits");
                    }
                    at += 4;
                }
                default -> throw problem("an escape");
            }
        }
    }

    private Number number() {
        int start = at;
        while (at < text.length() && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0) {
            at++;
        }
        String n = text.substring(start, at);
        try {
            if (n.contains(".") || n.contains("e") || n.contains("E")) {
                return Double.parseDouble(n);
            }
            return Long.parseLong(n);
        } catch (NumberFormatException e) {
            at = start;
            throw problem("a value");
        }
    }

    private Object word(String word, Object value) {
        if (!text.startsWith(word, at)) {
            throw problem("a value");
        }
        at += word.length();
        return value;
    }

    private void space() {
        while (at < text.length() && " \t\r\n".indexOf(text.charAt(at)) >= 0) {
            at++;
        }
    }

    private char peek() {
        if (at >= text.length()) {
            throw problem("more");
        }
        return text.charAt(at);
    }

    private char next() {
        char c = peek();
        at++;
        return c;
    }

    private void expect(char c) {
        if (peek() != c) {
            throw problem("'" + c + "'");
        }
        at++;
    }

    private IllegalArgumentException problem(String expected) {
        return new IllegalArgumentException("invalid JSON: expected " + expected + " at " + at);
    }
}
