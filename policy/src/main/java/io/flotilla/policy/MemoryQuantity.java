package io.flotilla.policy;

import java.math.BigDecimal;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Memory in bytes, written as Kubernetes writes it: "16Gi", "512Mi", "1G", "1073741824". */
public record MemoryQuantity(long bytes) implements Comparable<MemoryQuantity> {

    private static final Pattern FORMAT = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?");
    // Order of preference when printing: the largest binary unit, then the largest decimal one.
    private static final String[] UNITS = {"Ei", "Pi", "Ti", "Gi", "Mi", "E", "P", "T", "G", "M", "Ki", "k"};

    public MemoryQuantity {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative memory: " + bytes);
        }
    }

    public static MemoryQuantity gibibytes(long gib) {
        return new MemoryQuantity(Math.multiplyExact(gib, 1L << 30));
    }

    public static Optional<MemoryQuantity> parse(String text) {
        Matcher m = FORMAT.matcher(text);
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            BigDecimal value = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(multiplier(m.group(2))));
            return Optional.of(new MemoryQuantity(value.longValueExact()));
        } catch (ArithmeticException e) {
            return Optional.empty();
        }
    }

    private static long multiplier(String unit) {
        if (unit == null) {
            return 1;
        }
        return switch (unit) {
            case "Ki" -> 1L << 10;
            case "Mi" -> 1L << 20;
            case "Gi" -> 1L << 30;
            case "Ti" -> 1L << 40;
            case "Pi" -> 1L << 50;
            case "Ei" -> 1L << 60;
            case "k" -> 1_000L;
            case "M" -> 1_000_000L;
            case "G" -> 1_000_000_000L;
            case "T" -> 1_000_000_000_000L;
            case "P" -> 1_000_000_000_000_000L;
            case "E" -> 1_000_000_000_000_000_000L;
            default -> throw new IllegalArgumentException(unit);
        };
    }

    public double gibibytesValue() {
        return bytes / (double) (1L << 30);
    }

    @Override
    public int compareTo(MemoryQuantity o) {
        return Long.compare(bytes, o.bytes);
    }

    @Override
    public String toString() {
        if (bytes == 0) {
            return "0";
        }
        for (String unit : UNITS) {
            long m = multiplier(unit);
            if (bytes % m == 0) {
                return bytes / m + unit;
            }
        }
        return Long.toString(bytes);
    }
}
