package io.hermod.config;

/**
 * A value that does not fit its key, raised by the value parsers, which do not know the key's
 * name. The loader turns it into a {@link ConfigException} that names the key and its source.
 * A value with structure (dkim.domains) says where below the key the problem is: {@link #where()}
 * is then a suffix such as {@code ".example.com[0].key"}, so the message names
 * {@code dkim.domains.example.com[0].key}.
 */
final class BadValue extends RuntimeException {

  private final String where;

  BadValue(String problem) {
    this("", problem);
  }

  private BadValue(String where, String problem) {
    super(problem, null, false, false);
    this.where = where;
  }

  /** The path below the key ("" for the key itself): ".name", "[0]", ".example.com[1].key". */
  String where() {
    return where;
  }

  /** The same problem one level further out: segment is ".name" or "[i]", prepended to {@link #where()}. */
  BadValue under(String segment) {
    return new BadValue(segment + where, getMessage());
  }

  /** A value as the user typed it, in quotes, escaped and cut short so that the message stays one line. */
  static String quote(String s) {
    String escaped = s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\r", "\\r")
        .replace("\t", "\\t");
    return "\"" + (escaped.length() > 80 ? escaped.substring(0, 77) + "..." : escaped) + "\"";
  }
}
