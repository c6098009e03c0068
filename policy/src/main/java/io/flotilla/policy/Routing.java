package io.flotilla.policy;

import java.util.Objects;
import java.util.Optional;

/**
 * @param alias the model name clients send; several policies may serve one alias (for example per region)
 * @param maxLatencyMs the router leaves out clusters whose network round trip to the client is estimated above this
 */
public record Routing(String alias, Optional<Integer> maxLatencyMs) {
    public Routing {
        Objects.requireNonNull(alias, "alias");
        Objects.requireNonNull(maxLatencyMs, "maxLatencyMs");
    }
}
