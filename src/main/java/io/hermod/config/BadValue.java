package io.hermod.config;

/**
 * A value that does not fit its key, raised by the value parsers, which do not know the key's
 * name. The loader turns it into a {@link ConfigException} that names the key and its source.
 */
final class BadValue extends RuntimeException {

  BadValue(String problem) {
    super(problem, null, false, false);
  }

  /** A value as the user typed it, in quotes, escaped and cut short so that the message stays one line. */
  static String quote(String s) {
    String escaped = s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\r", "\\r")
        .replace("\t", "\\t");
    return "\"" + (escaped.length() > 80 ? escaped.substring(0, 77) + "..." : escaped) + "\"";
  }
}
