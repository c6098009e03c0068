package io.flotilla.policy;

import io.flotilla.policy.schema.PolicyEnum;

/** The inference server software; it decides the container's command line and health probe defaults. */
public enum Runtime implements PolicyEnum {
    VLLM("vllm"),
    TGI("tgi"),
    LLAMA_CPP("llama.cpp"),
    TRITON("triton"),
    /** The image's own entrypoint, started with {@code args} only. */
    CUSTOM("custom");

    private final String yamlName;

    Runtime(String yamlName) {
        this.yamlName = yamlName;
    }

    @Override
    public String yamlName() {
        return yamlName;
    }
}
