package io.flotilla.policy;

import java.util.List;
import java.util.Map;
import java.util.Objects;

public record LabelRequirement(String key, SelectorOperator operator, List<String> values) {
    public LabelRequirement {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(operator, "operator");
        values = Collections2.listCopy(values);
    }

    public boolean matches(Map<String, String> labels) {
        String actual = labels.get(key);
        return switch (operator) {
            case IN -> actual != null && values.contains(actual);
            case NOT_IN -> actual == null || !values.contains(actual);
            case EXISTS -> actual != null;
            case DOES_NOT_EXIST -> actual == null;
        };
    }

    @Override
    public String toString() {
        return switch (operator) {
            case IN, NOT_IN -> key + " " + operator.yamlName() + " " + values;
            case EXISTS, DOES_NOT_EXIST -> key + " " + operator.yamlName();
        };
    }
}
