package io.hermod.shaping;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A rate as operators write it: {@code 20/s}, {@code 1000/h}, {@code 5/10m}, optionally with a
 * burst, {@code 20/s burst 40}. Enforced as a GCRA ({@link Gcra}): one unit every
 * {@link #intervalNanos}, and up to {@code burst} units at once after a quiet spell (without a
 * burst, one at a time, evenly spaced).
 */
public record Rate(long count, Duration period, long burst) {

    /** Longer periods would overflow the nanosecond arithmetic of the throttles. */
    static final Duration MAX_PERIOD = Duration.ofDays(365);
    private static final Pattern SYNTAX = Pattern.compile(
            "(\\d{1,9})\\s*/\\s*(\\d{0,9})\\s*(ms|s|sec|second|m|min|minute|h|hour|d|day)(?:\\s+burst\\s+(\\d{1,9}))?");

    public Rate {
        if (count < 1) {
            throw new IllegalArgumentException("a rate needs a count of at least 1");
        }
        if (period.isNegative() || period.isZero() || period.compareTo(MAX_PERIOD) > 0) {
            throw new IllegalArgumentException("a rate's period is between 1 ms and 365 days");
        }
        if (burst < 1) {
            throw new IllegalArgumentException("a burst is at least 1");
        }
    }

    /**
     * Parses {@code N/period} with an optional {@code burst B}; the period is a unit ({@code s},
     * {@code min}, {@code h}, {@code d}) with an optional number in front ({@code 10m}).
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static Rate parse(String text) {
        Matcher m = SYNTAX.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a rate: \"" + text + "\" (expected e.g. 20/s, 1000/h, 5/10m,"
                    + " 20/s burst 40)");
        }
        long count = Long.parseLong(m.group(1));
        long times = m.group(2).isEmpty() ? 1 : Long.parseLong(m.group(2));
        Duration unit = switch (m.group(3)) {
            case "ms" -> Duration.ofMillis(1);
            case "s", "sec", "second" -> Duration.ofSeconds(1);
            case "m", "min", "minute" -> Duration.ofMinutes(1);
            case "h", "hour" -> Duration.ofHours(1);
            default -> Duration.ofDays(1);
        };
        long burst = m.group(4) == null ? 1 : Long.parseLong(m.group(4));
        if (unit.multipliedBy(times).compareTo(MAX_PERIOD) > 0) {
            throw new IllegalArgumentException("not a rate: \"" + text + "\" (the period is at most 365 days)");
        }
        if (count < 1 || times < 1) {
            throw new IllegalArgumentException("not a rate: \"" + text + "\" (count and period must be at least 1)");
        }
        if (burst < 1) {
            throw new IllegalArgumentException("not a rate: \"" + text + "\" (a burst is at least 1)");
        }
        return new Rate(count, unit.multipliedBy(times), burst);
    }

    /** The spacing between units at the sustained rate. */
    public long intervalNanos() {
        return Math.max(1, period.toNanos() / count);
    }

    /** How far ahead of the schedule a burst may run (GCRA's tolerance, tau). */
    public long toleranceNanos() {
        return intervalNanos() * (burst - 1);
    }

    /** Units per second, for display. */
    public double perSecond() {
        return count * 1e9 / period.toNanos();
    }

    @Override
    public String toString() {
        long seconds = period.toSeconds();
        String p = period.toMillis() % 1000 != 0 ? period.toMillis() + "ms"
                : seconds % 86_400 == 0 ? per(seconds / 86_400, "d")
                : seconds % 3600 == 0 ? per(seconds / 3600, "h")
                : seconds % 60 == 0 ? per(seconds / 60, "min") : per(seconds, "s");
        return count + "/" + p + (burst > 1 ? " burst " + burst : "");
    }

    private static String per(long n, String unit) {
        return n == 1 ? unit : n + unit;
    }
}
