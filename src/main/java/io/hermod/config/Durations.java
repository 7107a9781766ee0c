package io.hermod.config;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as operators write them: "250ms", "300s", "5m", "1h", "5d", or a bare number of seconds. */
public final class Durations {

  private static final Pattern DURATION = Pattern.compile("(\\d{1,18})(ms|s|m|h|d)?");

  private Durations() {
  }

  public static Duration parse(String text) {
    Matcher m = DURATION.matcher(text.strip());
    if (!m.matches()) {
      throw new BadValue("not a duration: " + BadValue.quote(text));
    }
    long amount = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    try {
      return switch (unit) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.of(amount, ChronoUnit.MINUTES);
        case "h" -> Duration.of(amount, ChronoUnit.HOURS);
        default -> Duration.of(amount, ChronoUnit.DAYS);
      };
    } catch (ArithmeticException e) {
      throw new BadValue("not a duration: " + BadValue.quote(text) + " (too long)");
    }
  }

  /** The largest unit that divides the duration exactly: 3600s is "1h", 90s stays "90s". */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms == 0) {
      return "0s";
    }
    long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1000L};
    String[] names = {"d", "h", "m", "s"};
    for (int i = 0; i < sizes.length; i++) {
      if (ms % sizes[i] == 0) {
        return ms / sizes[i] + names[i];
      }
    }
    return ms + "ms";
  }
}
