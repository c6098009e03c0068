package io.flotilla.policy;

import java.util.Optional;
import java.util.regex.Pattern;

/** A count ("3") or a share ("25%") of some total, as in Kubernetes rolling updates. */
public record IntOrPercent(int value, boolean percent) {

    private static final Pattern PERCENT = Pattern.compile("([0-9]{1,9})%");
    private static final Pattern COUNT = Pattern.compile("[0-9]{1,9}");

    public IntOrPercent {
        if (value < 0) {
            throw new IllegalArgumentException("negative: " + value);
        }
    }

    public static IntOrPercent count(int value) {
        return new IntOrPercent(value, false);
    }

    public static IntOrPercent percent(int value) {
        return new IntOrPercent(value, true);
    }

    public static Optional<IntOrPercent> parse(String text) {
        var p = PERCENT.matcher(text);
        if (p.matches()) {
            return Optional.of(percent(Integer.parseInt(p.group(1))));
        }
        return COUNT.matcher(text).matches() ? Optional.of(count(Integer.parseInt(text))) : Optional.empty();
    }

    /** The count this means for {@code total} items; a percentage is rounded up. */
    public int of(int total) {
        return percent ? (int) Math.ceil(total * (value / 100.0)) : value;
    }

    @Override
    public String toString() {
        return percent ? value + "%" : Integer.toString(value);
    }
}
