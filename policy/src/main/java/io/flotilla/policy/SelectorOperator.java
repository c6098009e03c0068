package io.flotilla.policy;

import io.flotilla.policy.schema.PolicyEnum;

public enum SelectorOperator implements PolicyEnum {
    IN("In"),
    NOT_IN("NotIn"),
    EXISTS("Exists"),
    DOES_NOT_EXIST("DoesNotExist");

    private final String yamlName;

    SelectorOperator(String yamlName) {
        this.yamlName = yamlName;
    }

    @Override
    public String yamlName() {
        return yamlName;
    }
}
