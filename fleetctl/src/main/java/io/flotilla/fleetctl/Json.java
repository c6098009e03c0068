package io.flotilla.fleetctl;

import io.flotilla.policy.TerminalText;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/** Jackson in one place: reading answers, printing them as JSON or YAML, and null-safe field access. */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Json() {
    }

    static String toJson(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String toYaml(JsonNode node) {
        try {
            return Yaml.MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The field as text, or null when missing or null. */
    static String text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isMissingNode() || v.isNull() ? null : v.asText();
    }

    /** The field as one line of text, control characters escaped for the terminal, or "-" when missing or null. */
    static String cell(JsonNode node, String field) {
        String t = text(node, field);
        return t == null || t.isEmpty() ? "-" : TerminalText.escape(t);
    }

    static JsonNode array(List<JsonNode> items) {
        return MAPPER.createArrayNode().addAll(items);
    }

    static List<String> texts(JsonNode array) {
        var out = new ArrayList<String>();
        array.forEach(n -> out.add(TerminalText.escape(n.isTextual() ? n.asText() : n.toString())));
        return out;
    }

    /** A number with at most two decimals and no trailing zeros; "-" for null. */
    static String number(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return "-";
        }
        if (!node.isNumber()) {
            return node.asText();
        }
        if (node.isIntegralNumber()) {
            return node.asText();
        }
        BigDecimal d = node.decimalValue().setScale(2, RoundingMode.HALF_UP).stripTrailingZeros();
        return d.scale() < 0 ? d.setScale(0).toPlainString() : d.toPlainString();
    }

    /** Loaded on first use only, so that table and JSON output do not pay for the YAML writer's start-up. */
    private static final class Yaml {
        static final YAMLMapper MAPPER = new YAMLMapper(YAMLFactory.builder()
                .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                .build());
    }
}
