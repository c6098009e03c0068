package io.flotilla.fleetctl;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people type them on the command line: 500ms, 30s, 10m, 2h, 7d, 1h30m, or ISO-8601 (PT10M). */
final class Durations {

    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");
    private static final Pattern WHOLE = Pattern.compile("(\\d+(ms|s|m|h|d))+");

    private Durations() {
    }

    /** The duration, or empty when the text is none of the forms above or is negative. */
    static Optional<Duration> parse(String text) {
        String s = text.strip().toLowerCase(Locale.ROOT);
        if (WHOLE.matcher(s).matches()) {
            Duration total = Duration.ZERO;
            Matcher m = PART.matcher(s);
            while (m.find()) {
                long n = Long.parseLong(m.group(1));
                total = total.plus(switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                });
            }
            return Optional.of(total);
        }
        try {
            Duration d = Duration.parse(s.toUpperCase(Locale.ROOT));
            return d.isNegative() ? Optional.empty() : Optional.of(d);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /**
     * How long ago {@code then} was, in its largest whole unit, as kubectl prints ages: {@code 9s ago},
     * {@code 2m ago}, {@code 5h ago}, {@code 3d ago}; a time ahead of {@code now} (clocks apart) is {@code 0s ago}.
     */
    static String ago(Instant then, Instant now) {
        long s = Math.max(0, Duration.between(then, now).getSeconds());
        String age = s < 60 ? s + "s" : s < 3600 ? s / 60 + "m" : s < 86_400 ? s / 3600 + "h" : s / 86_400 + "d";
        return age + " ago";
    }

    /** 10m, 1h30m, 45s, 250ms: the shortest of the forms {@link #parse} reads. */
    static String format(Duration d) {
        if (d.toMillisPart() != 0 || d.isZero()) {
            return d.toMillis() + "ms";
        }
        var sb = new StringBuilder();
        if (d.toDays() > 0) {
            sb.append(d.toDays()).append('d');
        }
        if (d.toHoursPart() > 0) {
            sb.append(d.toHoursPart()).append('h');
        }
        if (d.toMinutesPart() > 0) {
            sb.append(d.toMinutesPart()).append('m');
        }
        if (d.toSecondsPart() > 0) {
            sb.append(d.toSecondsPart()).append('s');
        }
        return sb.toString();
    }
}
