package io.flotilla.controlplane.protocol;

import io.smallrye.config.ConfigMapping;
import java.nio.file.Path;

/** Where the control plane keeps its signing key; under {@code flotilla.dispatch} beside the other dispatch settings. */
@ConfigMapping(prefix = "flotilla.dispatch")
public interface SigningKeyConfig {

    /** The control plane's Ed25519 signing key (base64 seed); generated on first start when absent. */
    Path signingKeyFile();
}
