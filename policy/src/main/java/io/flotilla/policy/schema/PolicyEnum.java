package io.flotilla.policy.schema;

/** An enum constant as it is spelled in policy files. */
public interface PolicyEnum {
    String yamlName();
}
