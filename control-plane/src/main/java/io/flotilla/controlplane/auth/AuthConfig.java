package io.flotilla.controlplane.auth;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "flotilla.auth")
public interface AuthConfig {

    /** When false every request is served as an anonymous admin (tests, trusted single-user setups). */
    @WithDefault("true")
    boolean enabled();
}
