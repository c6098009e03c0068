package io.flotilla.policy;

import io.flotilla.policy.schema.PolicyEnum;

/** Effects of a cluster taint; only NoSchedule and NoExecute keep a workload without a toleration away. */
public enum TaintEffect implements PolicyEnum {
    NO_SCHEDULE("NoSchedule"),
    PREFER_NO_SCHEDULE("PreferNoSchedule"),
    NO_EXECUTE("NoExecute");

    private final String yamlName;

    TaintEffect(String yamlName) {
        this.yamlName = yamlName;
    }

    @Override
    public String yamlName() {
        return yamlName;
    }
}
