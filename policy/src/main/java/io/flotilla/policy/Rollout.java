package io.flotilla.policy;

import java.util.Objects;

/**
 * How a change reaches the chosen clusters.
 *
 * @param waveSize clusters updated per wave, a count or a percentage of the chosen clusters (rounded up)
 * @param maxUnavailable clusters that may be unavailable at once during the rollout
 * @param pauseOnFailure stop after a wave in which a cluster failed to apply the change
 */
public record Rollout(IntOrPercent waveSize, IntOrPercent maxUnavailable, boolean pauseOnFailure) {
    public Rollout {
        Objects.requireNonNull(waveSize, "waveSize");
        Objects.requireNonNull(maxUnavailable, "maxUnavailable");
    }
}
