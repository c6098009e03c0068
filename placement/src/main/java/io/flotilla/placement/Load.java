package io.flotilla.placement;

/**
 * @param queueDepth inference requests waiting in the cluster's servers
 * @param gpuUtilisation mean GPU utilisation, 0..1
 */
public record Load(int queueDepth, double gpuUtilisation) {
    public static final Load IDLE = new Load(0, 0);

    public Load {
        if (queueDepth < 0 || !(gpuUtilisation >= 0 && gpuUtilisation <= 1)) {
            throw new IllegalArgumentException("queue depth >= 0 and utilisation in 0..1 expected: " + queueDepth + ", " + gpuUtilisation);
        }
    }
}
