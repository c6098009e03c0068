package io.flotilla.agent;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as the Quarkus build reads them ({@code 30s}, {@code 5m}, {@code 7d}, {@code 250ms},
 * a bare number of seconds, {@code 1h30m}, or ISO-8601 {@code PT5M}), for the plain entry point,
 * where Quarkus's own converter is absent. {@code DurationConverterTest} holds the two to the same
 * answers.
 */
final class DurationConverter {

    private static final Pattern SECONDS = Pattern.compile("[-+]?\\d+");
    private static final Pattern ONE_UNIT = Pattern.compile("([-+]?\\d+)(ms|[smhd])", Pattern.CASE_INSENSITIVE);

    static Duration parse(String raw) {
        String value = raw.trim();
        if (value.isEmpty()) {
            return null;
        }
        try {
            if (SECONDS.matcher(value).matches()) {
                return Duration.ofSeconds(Long.parseLong(value));
            }
            Matcher unit = ONE_UNIT.matcher(value);
            if (unit.matches()) {
                long amount = Long.parseLong(unit.group(1));
                return switch (unit.group(2).toLowerCase()) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "s" -> Duration.ofSeconds(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    case "h" -> Duration.ofHours(amount);
                    default -> Duration.ofDays(amount);
                };
            }
            return Duration.parse(Character.isDigit(value.charAt(0)) ? "PT" + value : value);
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new IllegalArgumentException("invalid duration: " + value, e);
        }
    }

    private DurationConverter() {
    }
}
