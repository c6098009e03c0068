package io.flotilla.policy;

import io.flotilla.policy.schema.PolicyEnum;

public enum TolerationOperator implements PolicyEnum {
    EQUAL("Equal"),
    EXISTS("Exists");

    private final String yamlName;

    TolerationOperator(String yamlName) {
        this.yamlName = yamlName;
    }

    @Override
    public String yamlName() {
        return yamlName;
    }
}
