package io.flotilla.policy;

import java.math.BigDecimal;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** CPU in millicores, written as Kubernetes writes it: "4", "0.5" or "500m". */
public record CpuQuantity(long millicores) implements Comparable<CpuQuantity> {

    private static final Pattern FORMAT = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(m?)");

    public CpuQuantity {
        if (millicores < 0) {
            throw new IllegalArgumentException("negative CPU: " + millicores + "m");
        }
    }

    public static CpuQuantity cores(long cores) {
        return new CpuQuantity(Math.multiplyExact(cores, 1000));
    }

    /** Parses "4", "0.5", "500m"; empty when the text is not a whole number of millicores. */
    public static Optional<CpuQuantity> parse(String text) {
        Matcher m = FORMAT.matcher(text);
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            BigDecimal value = new BigDecimal(m.group(1));
            BigDecimal millis = m.group(2).isEmpty() ? value.movePointRight(3) : value;
            return Optional.of(new CpuQuantity(millis.longValueExact()));
        } catch (ArithmeticException e) {
            return Optional.empty();
        }
    }

    @Override
    public int compareTo(CpuQuantity o) {
        return Long.compare(millicores, o.millicores);
    }

    @Override
    public String toString() {
        return millicores % 1000 == 0 ? Long.toString(millicores / 1000) : millicores + "m";
    }
}
