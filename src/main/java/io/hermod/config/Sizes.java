package io.hermod.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Byte sizes: a number of bytes, or a number with K, M, G (or KiB, MiB, GiB). All suffixes are
 * powers of 1024; "MB" is refused because readers disagree on whether it means 10^6 or 2^20.
 */
final class Sizes {

  private static final Pattern SIZE = Pattern.compile("(\\d{1,18})(K|KiB|M|MiB|G|GiB)?", Pattern.CASE_INSENSITIVE);

  private Sizes() {
  }

  static long parse(String text) {
    Matcher m = SIZE.matcher(text.strip());
    if (!m.matches()) {
      throw new BadValue("not a size: " + BadValue.quote(text) + " (use bytes, or K, M, G, KiB, MiB, GiB)");
    }
    long amount = Long.parseLong(m.group(1));
    String suffix = m.group(2) == null ? "" : m.group(2).substring(0, 1).toUpperCase(Locale.ROOT);
    int shift = switch (suffix) {
      case "K" -> 10;
      case "M" -> 20;
      case "G" -> 30;
      default -> 0;
    };
    if (amount > (Long.MAX_VALUE >> shift)) {
      throw new BadValue("not a size: " + BadValue.quote(text) + " (too large)");
    }
    return amount << shift;
  }
}
