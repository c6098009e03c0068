package io.flotilla.placement.routing;

/**
 * How much worse than the best the affine cluster may score and still be kept: at most {@code (1 + ratio)} times
 * the best score, or at most {@code ms} above it, whichever allows more. The ratio alone is tight when scores are
 * a few milliseconds (two clusters in one metro), while a prefix-cache hit saves a prefill worth tens of
 * milliseconds or more; the absolute allowance covers that.
 *
 * @param ratio relative slack, 0.2 for 20 %
 * @param ms absolute slack in milliseconds
 */
public record AffinitySlack(double ratio, double ms) {

    public static final AffinitySlack DEFAULT = new AffinitySlack(0.2, 25);

    public AffinitySlack {
        if (!(ratio >= 0) || !(ms >= 0) || Double.isInfinite(ratio) || Double.isInfinite(ms)) {
            throw new IllegalArgumentException("affinity slack must be finite and >= 0, got " + ratio + " and " + ms + " ms");
        }
    }

    /** Whether a cluster scoring {@code affine} is kept over the best, scoring {@code best}. */
    public boolean keeps(double affine, double best) {
        return affine <= Math.max((1 + ratio) * best, best + ms);
    }
}
