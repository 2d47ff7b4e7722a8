package io.ccpolicy.exceptions.service;

import io.ccpolicy.service.domain.DomainException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people write them in a request ({@code 90m}, {@code 24h}, {@code 7d}) or in ISO-8601 ({@code PT4H}). */
final class Durations {

    private static final Pattern SHORT = Pattern.compile("(\\d+)\\s*([mhd])");

    private Durations() {
    }

    static Duration parse(String text, String field) {
        Matcher m = SHORT.matcher(text.trim().toLowerCase());
        Duration duration;
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            duration = switch (m.group(2)) {
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        } else {
            try {
                duration = Duration.parse(text.trim().toUpperCase());
            } catch (DateTimeParseException e) {
                throw new DomainException.Invalid(field + " must be a duration like 90m, 24h, 7d or PT4H, got '" + text + "'");
            }
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new DomainException.Invalid(field + " must be longer than zero");
        }
        return duration;
    }

    static String readable(Duration d) {
        return d.toDaysPart() > 0 && d.toHoursPart() == 0 && d.toMinutesPart() == 0 ? d.toDays() + "d"
                : d.toMinutesPart() == 0 ? d.toHours() + "h" : d.toMinutes() + "m";
    }
}
